import { describe, expect, it } from 'vitest';
import { describeState, parseSacct, parseScontrol, parseSqueue } from '../../src/index.ts';

describe('state parsers', () => {
  it('squeue: keeps the tasks of the asked jobs only', () => {
    const s = parseSqueue('12_0|RUNNING|None\n12_1|PENDING|Resources\n13|RUNNING|None\n', new Set(['12']));
    expect(s.map((x) => [x.id, x.state, x.active, x.reason])).toEqual([
      ['12_0', 'RUNNING', true, undefined],
      ['12_1', 'PENDING', true, 'Resources'],
    ]);
  });

  it('scontrol: array tasks by <array job>_<task>, unsplit pending records skipped', () => {
    const text = [
      'JobId=15 ArrayJobId=12 ArrayTaskId=3 JobName=x JobState=CANCELLED Reason=None ExitCode=0:15 RunTime=00:00:03',
      'JobId=12 ArrayJobId=12 ArrayTaskId=4-5 JobState=PENDING Reason=Resources ExitCode=0:0',
      'JobId=20 JobName=train JobState=TIMEOUT Reason=TimeLimit ExitCode=0:1',
    ].join('\n');
    const s = parseScontrol(text);
    expect(s.map((x) => [x.id, x.state, x.active, x.exitCode])).toEqual([
      ['12_3', 'CANCELLED', false, '0:15'],
      ['20', 'TIMEOUT', false, '0:1'],
    ]);
    expect(describeState(s[0])).toBe('CANCELLED, exit 0:15');
  });

  it('sacct: "CANCELLED by 0" is CANCELLED; unexpanded array records skipped', () => {
    const s = parseSacct('12_0|COMPLETED|0:0\n12_1|CANCELLED by 0|0:0\n12_[2-3]|PENDING|0:0\n', new Set(['12']));
    expect(s.map((x) => [x.id, x.state])).toEqual([
      ['12_0', 'COMPLETED'],
      ['12_1', 'CANCELLED'],
    ]);
    expect(describeState(undefined)).toMatch(/state unknown/);
  });
});
