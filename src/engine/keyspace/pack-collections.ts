// After an AOF replay, the lists and small sorted sets its commands built take the packed forms
// an RDB load gives them (keyspace/packed.ts): a list replayed from 250 RPUSHes otherwise keeps
// 250 JS strings where redis keeps one listpack, and an AOF-loaded dataset would take several
// times the memory the same data loaded from an RDB takes. Commands unpack what they change.
import type { Database } from './database.js';
import { ListValue, ZSetValue } from './values.js';

export function packCollections(dbs: readonly Database[]): void {
  for (const db of dbs) {
    db.dict.forEachObject((value) => {
      if (value instanceof ListValue) value.packNodes();
      else if (value instanceof ZSetValue) value.pack();
    });
  }
}
