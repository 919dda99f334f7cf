/* erd_layout.h — automatic placement of an ERD's tables (used after an SQL import). */
#ifndef CARD_ERD_LAYOUT_H
#define CARD_ERD_LAYOUT_H

struct erd_doc;

/* erd_layout: set x and y of every entity of doc on a readable layout: Graphviz's
 * (erd_layout_dot, which also colours the groups) when it works, else this fallback — tables linked by
 * relationships layered left to right by dependency (referenced tables first, related
 * tables near each other), the others in a compact grid below — so that no two boxes
 * overlap (a box is 240 wide and 36 + 28 per column tall).  Relationships naming an unknown
 * entity id, or the same entity at both ends, are ignored; of entities sharing an id the
 * first counts.  Deterministic: positions depend only on the entities' order and column
 * counts and on which entities the relationships join, in their order — never on names,
 * ids' values or earlier positions.  Nothing else in doc changes; scratch memory is the
 * heap's, freed before returning. */
void erd_layout(struct erd_doc *doc);

/* erd_layout_layered: the fallback layout alone (what erd_layout's contract above describes
 * after "else"); colours are left as they are. */
void erd_layout_layered(struct erd_doc *doc);

/* erd_layout_dot: the Graphviz layout erd_layout tries first (erd_layout_dot.c): each
 * connected group of tables laid out by dot with the editor's box sizes (no overlap, related
 * tables near each other), the groups and lone tables packed in rows, each group of two or
 * more tables coloured with its own palette colour, lone tables slate.  0, or -1 with doc unchanged when
 * Graphviz fails or the diagram is too big for it. */
int erd_layout_dot(struct erd_doc *doc);
#endif
