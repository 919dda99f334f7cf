\connect db
COPY t (a) FROM stdin;
1
\.
CREATE FUNCTION f() RETURNS int AS $$ select 1; $$ LANGUAGE sql;
