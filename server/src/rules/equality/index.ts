import type { Rule } from '../../engine/rule';
import { alwaysTrueEquality } from './RH201-always-true-equality';
import { chameleonObject } from './RH202-chameleon-object';

export const equalityRules: Rule[] = [alwaysTrueEquality, chameleonObject];
