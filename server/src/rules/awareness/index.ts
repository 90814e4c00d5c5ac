import type { Rule } from '../../engine/rule';
import { testEnvironmentDetection } from './RH501-test-environment-detection';
import { callerFramePeeking } from './RH502-caller-frame-peeking';
import { testSourceReading } from './RH503-test-source-reading';
import { statefulAnswer } from './RH504-stateful-answer';
import { specialCasedInput } from './RH505-special-cased-input';

export const awarenessRules: Rule[] = [testEnvironmentDetection, callerFramePeeking, testSourceReading, statefulAnswer, specialCasedInput];
