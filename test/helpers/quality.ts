// Pairwise precision and recall of duplicate clusters against an answer key, the figures
// the README quotes: every pair of records inside a cluster is a prediction; every pair of
// records of the same entity is a true pair.
export interface Quality {
  precision: number;
  recall: number;
  truePairs: number;
  predictedPairs: number;
  correct: number;
  /** Clusters at or above the auto-link threshold that hold more than one entity. */
  autoLinkFalsePositives: number;
}

export function clusterQuality(clusters: { auto?: boolean; records: { recordId: string }[] }[], entityOf: Map<string, string>): Quality {
  let predicted = 0;
  let correct = 0;
  let autoWrong = 0;
  for (const c of clusters) {
    if (c.auto && new Set(c.records.map((r) => entityOf.get(r.recordId))).size > 1) autoWrong++;
    for (let i = 0; i < c.records.length; i++) {
      for (let j = i + 1; j < c.records.length; j++) {
        predicted++;
        if (entityOf.get(c.records[i]!.recordId) === entityOf.get(c.records[j]!.recordId)) correct++;
      }
    }
  }
  const sizes = new Map<string, number>();
  for (const e of entityOf.values()) sizes.set(e, (sizes.get(e) ?? 0) + 1);
  const truePairs = [...sizes.values()].reduce((n, k) => n + (k * (k - 1)) / 2, 0);
  return {
    precision: predicted ? correct / predicted : 1,
    recall: truePairs ? correct / truePairs : 1,
    truePairs,
    predictedPairs: predicted,
    correct,
    autoLinkFalsePositives: autoWrong,
  };
}
