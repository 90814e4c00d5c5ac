import type { Rule } from '../../engine/rule';
import { forcedSuccessExit } from './RH101-forced-success-exit';
import { exitStatusOverride } from './RH102-exit-status-override';

export const exitRules: Rule[] = [forcedSuccessExit, exitStatusOverride];
