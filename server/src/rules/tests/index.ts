import type { Rule } from '../../engine/rule';
import { vacuousAssertion } from './RH401-vacuous-assertion';
import { swallowedAssertion } from './RH402-swallowed-assertion';
import { unreachableAssertion } from './RH403-unreachable-assertion';
import { blanketSkip } from './RH404-blanket-skip';

export const testRules: Rule[] = [vacuousAssertion, swallowedAssertion, unreachableAssertion, blanketSkip];
