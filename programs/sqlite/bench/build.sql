-- The benchmark version of tests/build.sql (see programs/sqlite/README.md;
-- not a test): the same 10^5 rows (or @rows, if set with `.parameter set
-- @rows N` before `.read build.sql`), plus a second index and joins over all
-- orders, with `synchronous = OFF` so that no time goes to fsync.
-- readback.sql then reopens the file, deletes a fifth of the orders and
-- runs VACUUM.
.bail on
PRAGMA page_size = 4096;
PRAGMA synchronous = OFF;
PRAGMA journal_mode;
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT NOT NULL);
CREATE TABLE orders(
  id INTEGER PRIMARY KEY,
  customer INTEGER NOT NULL REFERENCES customers(id),
  amount REAL NOT NULL,
  day INTEGER NOT NULL,
  note TEXT
);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO customers
  SELECT i, printf('customer-%04d', i),
         CASE i % 5 WHEN 0 THEN 'Oslo' WHEN 1 THEN 'Lima' WHEN 2 THEN 'Kyiv' WHEN 3 THEN 'Pune' ELSE 'Baku' END
  FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < coalesce(@rows, 100000))
INSERT INTO orders
  SELECT i, (i * 7919) % 1000 + 1, ((i * 104729) % 100000) / 100.0, i % 365,
         CASE WHEN i % 10 = 0 THEN 'note ' || hex(i) END
  FROM n;
COMMIT;
CREATE INDEX orders_customer ON orders(customer);
CREATE INDEX orders_day ON orders(day, amount);
SELECT count(*), sum(amount), min(amount), max(amount), round(avg(amount), 4), count(note) FROM orders;
SELECT c.city, count(*), round(sum(o.amount), 2), round(avg(o.amount), 4)
  FROM orders AS o JOIN customers AS c ON c.id = o.customer
  GROUP BY c.city ORDER BY c.city;
SELECT c.name, count(o.id), round(sum(o.amount), 2) AS total
  FROM customers AS c JOIN orders AS o ON o.customer = c.id
  GROUP BY c.id ORDER BY total DESC, c.id LIMIT 5;
EXPLAIN QUERY PLAN SELECT * FROM orders WHERE customer = 5;
SELECT day, count(*), round(max(amount) - min(amount), 2) FROM orders
  WHERE day BETWEEN 100 AND 104 GROUP BY day ORDER BY day;
SELECT id, amount, round(sum(amount) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), 2)
  FROM orders WHERE id <= 6;
BEGIN;
DELETE FROM orders WHERE day = 0;
SELECT count(*) FROM orders;
ROLLBACK;
SELECT count(*) FROM orders;
UPDATE customers SET city = upper(city) WHERE id % 100 = 0;
SELECT json_object('customers', count(*), 'cities', json_group_array(DISTINCT city))
  FROM (SELECT * FROM customers ORDER BY city);
.headers on
.mode box
SELECT city, count(*) AS n, min(name) AS first FROM customers GROUP BY city ORDER BY city;
.mode list
.headers off
PRAGMA integrity_check;
