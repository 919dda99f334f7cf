/* erd_layout.h — automatic placement of an ERD's tables (used after an SQL import). */
#ifndef CARD_ERD_LAYOUT_H
#define CARD_ERD_LAYOUT_H

struct erd_doc;

/* erd_layout: set x and y of every entity of doc on a readable layout — tables linked by
 * relationships layered left to right by dependency (referenced tables first, related
 * tables near each other), the others in a compact grid below — so that no two boxes
 * overlap (a box is 240 wide and 36 + 28 per column tall).  Relationships naming an unknown
 * entity id, or the same entity at both ends, are ignored; of entities sharing an id the
 * first counts.  Deterministic: positions depend only on the entities' order and column
 * counts and on which entities the relationships join, in their order — never on names,
 * ids' values or earlier positions.  Nothing else in doc changes; scratch memory is the
 * heap's, freed before returning. */
void erd_layout(struct erd_doc *doc);
#endif
