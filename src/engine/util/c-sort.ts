// The two sorts whose order of equal (or NaN) elements GEOSEARCH replies show: glibc's qsort,
// a stable top-down merge sort (msort.c, what Debian's redis-server links), and Redis's pqsort
// (pqsort.c, Bentley–McIlroy quicksort that only finishes the partitions overlapping the ranks
// asked for). Both are ported step by step, since their comparison sequence decides ties.

type Compare<T> = (a: T, b: T) => number;

/** glibc qsort (msort_with_tmp): split in halves, sort each, merge taking the left on ties. */
export function glibcQsort<T>(items: T[], compare: Compare<T>): void {
  const tmp = new Array<T>(items.length);
  const sort = (start: number, n: number): void => {
    if (n <= 1) return;
    const n1 = Math.floor(n / 2);
    sort(start, n1);
    sort(start + n1, n - n1);
    let i = start;
    let j = start + n1;
    const endLeft = start + n1;
    const end = start + n;
    let k = 0;
    while (i < endLeft && j < end) tmp[k++] = compare(items[i]!, items[j]!) <= 0 ? items[i++]! : items[j++]!;
    while (i < endLeft) tmp[k++] = items[i++]!;
    // What is left on the right is already in place.
    for (let m = 0; m < k; m++) items[start + m] = tmp[m]!;
  };
  sort(0, items.length);
}

/**
 * pqsort: sorts enough of `items` that positions `left`…`right` hold what a full sort would put
 * there (the rest partitioned around them), exactly as Redis's pqsort moves elements.
 */
export function pqsort<T>(items: T[], compare: Compare<T>, left: number, right: number): void {
  const swap = (a: number, b: number) => {
    const t = items[a]!;
    items[a] = items[b]!;
    items[b] = t;
  };
  const vecswap = (a: number, b: number, n: number) => {
    for (let i = 0; i < n; i++) swap(a + i, b + i);
  };
  const med3 = (a: number, b: number, c: number) =>
    compare(items[a]!, items[b]!) < 0
      ? compare(items[b]!, items[c]!) < 0
        ? b
        : compare(items[a]!, items[c]!) < 0
          ? c
          : a
      : compare(items[b]!, items[c]!) > 0
        ? b
        : compare(items[a]!, items[c]!) < 0
          ? a
          : c;
  /** Whether [start, start + n) lies wholly before or wholly after the ranks wanted. */
  const outside = (start: number, n: number) => (left < start && right < start) || (left > start + n - 1 && right > start + n - 1);

  const sort = (a: number, n: number): void => {
    for (;;) {
      if (n < 7) {
        for (let m = a + 1; m < a + n; m++) for (let l = m; l > a && compare(items[l - 1]!, items[l]!) > 0; l--) swap(l, l - 1);
        return;
      }
      let pm = a + Math.floor(n / 2);
      if (n > 7) {
        let pl = a;
        let pn = a + n - 1;
        if (n > 40) {
          const d = Math.floor(n / 8);
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(a, pm);
      let pa = a + 1;
      let pb = pa;
      let pc = a + n - 1;
      let pd = pc;
      for (;;) {
        let r: number;
        while (pb <= pc && (r = compare(items[pb]!, items[a]!)) <= 0) {
          if (r === 0) swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (r = compare(items[pc]!, items[a]!)) >= 0) {
          if (r === 0) swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
      }
      const pn = a + n;
      let r = Math.min(pa - a, pb - pa);
      vecswap(a, pb - r, r);
      r = Math.min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && !outside(a, r)) sort(a, r);
      if ((r = pd - pc) > 1) {
        // The right part is sorted by looping, as the C iterates instead of recursing.
        a = pn - r;
        n = r;
        if (!outside(a, n)) continue;
      }
      return;
    }
  };
  sort(0, items.length);
}
