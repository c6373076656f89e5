// The orders in which a questionnaire's responses hold their answers. Responses mostly share a few
// (a completed one answers every question in order, an unfinished one the first few), so the
// export reads each answer's question id once, while it surveys the responses, and writes each row
// by its response's layout: before, the survey read every question id and the row read it again to
// find the answer's column (each a hash look-up of a string in another object: two reads of every
// answer, a sixth of a 100,000-row export).

/** Nodes of the tree of layouts an export keeps for one questionnaire, so memory stays bounded. */
const NODES_KEPT = 20_000;

interface Node {
  next: Map<unknown, Node> | undefined;
  /** The layout that ends here, or -1. */
  layout: number;
}

export class AnswerLayouts {
  private readonly root: Node = { next: undefined, layout: -1 };
  private nodes = 0;
  /** Each layout's question ids, in the order its responses hold their answers. */
  readonly ids: unknown[][] = [];
  /** The question ids of responses that follow no kept layout (past NODES_KEPT). */
  private readonly others = new Set<unknown>();

  /**
   * The layout `answers` follows, found (or added) by walking their question ids once; -1 when the
   * tree is full, and then its ids are remembered one by one.
   */
  add(answers: readonly { questionId: unknown }[]): number {
    let node = this.root;
    for (let j = 0; j < answers.length; j++) {
      const id = (answers[j] as { questionId: unknown }).questionId;
      let next = node.next?.get(id);
      if (next === undefined) {
        if (this.nodes >= NODES_KEPT) {
          for (const a of answers) this.others.add(a.questionId);
          return -1;
        }
        next = { next: undefined, layout: -1 };
        node.next ??= new Map();
        node.next.set(id, next);
        this.nodes++;
      }
      node = next;
    }
    if (node.layout < 0) {
      node.layout = this.ids.length;
      this.ids.push(answers.map((a) => a.questionId));
    }
    return node.layout;
  }

  /** Every question id answered, each once (in no particular order). */
  answered(): unknown[] {
    const all = new Set<unknown>(this.others);
    for (const ids of this.ids) for (const id of ids) all.add(id);
    return [...all];
  }
}
