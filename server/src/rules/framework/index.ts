import type { Rule } from '../../engine/rule';
import { reportForgery } from './RH301-report-forgery';
import { testCallHijack } from './RH302-test-call-hijack';

export const frameworkRules: Rule[] = [reportForgery, testCallHijack];
