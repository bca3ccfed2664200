-- The second part of the benchmark session: reopens test.db, reads it back,
-- deletes rows, drops an index, VACUUMs and checks integrity.
.bail on
.open test.db
PRAGMA synchronous = OFF;
.tables
.schema customers
SELECT count(*), sum(amount), count(DISTINCT customer) FROM orders;
SELECT city, count(*) FROM customers GROUP BY city ORDER BY 2 DESC, 1;
SELECT round(sum(amount), 2) FROM orders WHERE customer IN (SELECT id FROM customers WHERE city = 'Oslo');
SELECT o.id, c.name, o.amount, o.note FROM orders AS o JOIN customers AS c ON c.id = o.customer
  WHERE o.id IN (10, 5000, 99990) ORDER BY o.id;
DELETE FROM orders WHERE day >= 300;
DROP INDEX orders_day;
VACUUM;
SELECT count(*), max(day) FROM orders;
PRAGMA integrity_check;
