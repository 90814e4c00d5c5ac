import type { Rule } from '../../engine/rule';
import { clockPatching } from './RH601-clock-patching';
import { testFileTampering } from './RH602-test-file-tampering';

export const harnessRules: Rule[] = [clockPatching, testFileTampering];
