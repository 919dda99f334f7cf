/* access.h — telling "you may not change this" (403) from "there is nothing here" (404) after
 * row-level security refused a write.  The policies (sql/005, sql/021) decide; a refused UPDATE
 * or DELETE simply matches no row, so a handler answers 404 (or 409, when it then finds the row
 * and takes the miss for a stale version).  For a row the user can read but not write (a team
 * viewer's save), the right answer is 403; for one they cannot read, 404 stays. */
#ifndef CARD_ACCESS_H
#define CARD_ACCESS_H
struct req;

/* access_refine: after the handler of an unsafe request: when it answered 404 or 409 for the
 * file or project its path names (/api/<kind>s/:uid…, /<kind>s/:uid…, /projects/:uid…,
 * /api/projects/:uid…) and that row is readable but not writable by the user, answer 403
 * instead; when a statement was refused by a policy or guard (SQLSTATE 42501) — which only
 * happens to a row the statement could see — answer 403 instead of 500. */
void access_refine(struct req *r);
#endif
