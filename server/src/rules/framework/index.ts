import type { Rule } from '../../engine/rule';
import { reportForgery } from './RH301-report-forgery';
import { testCallHijack } from './RH302-test-call-hijack';
import { collectionSabotage } from './RH303-collection-sabotage';

export const frameworkRules: Rule[] = [reportForgery, testCallHijack, collectionSabotage];
