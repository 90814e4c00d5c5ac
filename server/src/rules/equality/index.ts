import type { Rule } from '../../engine/rule';
import { alwaysTrueEquality } from './RH201-always-true-equality';
import { chameleonObject } from './RH202-chameleon-object';
import { neutralisedComparison } from './RH203-neutralised-comparison';

export const equalityRules: Rule[] = [alwaysTrueEquality, chameleonObject, neutralisedComparison];
