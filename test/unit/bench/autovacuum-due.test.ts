import { type AutovacuumSettings, autovacuumDue } from '../../../bench/support/autovacuum-emulation.js';
import { expect } from '../../support/expect.js';

/** PostgreSQL's defaults. */
const DEFAULTS: AutovacuumSettings = {
  vacuumThreshold: 50,
  vacuumScaleFactor: 0.2,
  insertThreshold: 1000,
  insertScaleFactor: 0.2,
  analyzeThreshold: 50,
  analyzeScaleFactor: 0.1,
};

const quiet = { reltuples: 100_000, deadTuples: 0, insertedSinceVacuum: 0, modifiedSinceAnalyze: 0 };

describe('The soak takes a table when autovacuum would', () => {
  it('leaves a table alone while nothing passes its thresholds', () => {
    expect(autovacuumDue(quiet, DEFAULTS)).to.deep.equal({ vacuum: false, analyze: false });
  });

  it('vacuums once the dead rows pass the threshold plus the scale factor times the rows, and not at it', () => {
    expect(autovacuumDue({ ...quiet, deadTuples: 20_050 }, DEFAULTS).vacuum).to.equal(false);
    expect(autovacuumDue({ ...quiet, deadTuples: 20_051 }, DEFAULTS).vacuum).to.equal(true);
  });

  it('vacuums once the rows inserted since the last vacuum pass theirs, unless the insert threshold is -1', () => {
    expect(autovacuumDue({ ...quiet, insertedSinceVacuum: 21_001 }, DEFAULTS).vacuum).to.equal(true);
    expect(autovacuumDue({ ...quiet, insertedSinceVacuum: 21_000 }, DEFAULTS).vacuum).to.equal(false);
    const noInsertVacuum = { ...DEFAULTS, insertThreshold: -1 };
    expect(autovacuumDue({ ...quiet, insertedSinceVacuum: 10 ** 9 }, noInsertVacuum).vacuum).to.equal(false);
  });

  it('analyzes once the rows changed since the last analyze pass theirs, apart from vacuuming', () => {
    expect(autovacuumDue({ ...quiet, modifiedSinceAnalyze: 10_051 }, DEFAULTS)).to.deep.equal({
      vacuum: false,
      analyze: true,
    });
    expect(autovacuumDue({ ...quiet, modifiedSinceAnalyze: 10_050 }, DEFAULTS).analyze).to.equal(false);
  });

  it('counts a table never vacuumed or analyzed (reltuples -1) as empty', () => {
    const fresh = { reltuples: -1, deadTuples: 0, insertedSinceVacuum: 1_001, modifiedSinceAnalyze: 51 };
    expect(autovacuumDue(fresh, DEFAULTS)).to.deep.equal({ vacuum: true, analyze: true });
  });
});
