import type { Rule } from '../../engine/rule';
import { suppressionAdded } from './RH901-suppression-added';
import { testDeleted } from './RH902-test-deleted';

/** Rules that only run on a change under review (`scan --diff`, `scan --patch`, Review Changes). */
export const reviewRules: Rule[] = [suppressionAdded, testDeleted];
