/** Rule families: the hundreds digit of a code. Settings accept the family code or its name. */
export interface Family {
  code: string;
  name: string;
  title: string;
}

export const FAMILIES: readonly Family[] = [
  { code: 'RH1', name: 'exit', title: 'Forced exit and exit-status forgery' },
  { code: 'RH2', name: 'equality', title: 'Equality and comparison spoofing' },
  { code: 'RH3', name: 'framework', title: 'Test-framework tampering' },
  { code: 'RH4', name: 'tests', title: 'Neutralised tests' },
  { code: 'RH5', name: 'awareness', title: 'Test awareness and answer peeking' },
  { code: 'RH6', name: 'harness', title: 'Tampering with the harness' },
  { code: 'RH9', name: 'review', title: 'The review itself' },
];

export function familyOf(code: string): Family | undefined {
  return FAMILIES.find((f) => code.startsWith(f.code));
}
