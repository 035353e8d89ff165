// Property tests run with one fixed seed in `npm test`, so a run is repeatable and CI never
// turns red by the luck of the draw. FC_SEED=random (the fuzz scripts) explores new cases and
// prints the seed a failure can be replayed with.
import fc from 'fast-check';

const requested = process.env.FC_SEED;
const seed = requested === 'random' ? (Date.now() ^ (process.pid << 16)) | 0 : Number(requested ?? 20_261_201);
if (requested === 'random') console.log(`fast-check seed ${seed} (replay with FC_SEED=${seed})`);
fc.configureGlobal({ seed });
