// Runs one SQL query in an in-memory DuckDB (@duckdb/node-api) and prints its rows as JSON.
// usage: node duckdb_query.js SQL   (NODE_PATH must reach node_modules/@duckdb/node-api)
const { DuckDBInstance } = require('@duckdb/node-api');

(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  const reader = await connection.runAndReadAll(process.argv[2]);
  console.log(JSON.stringify(reader.getRowObjectsJson()));
})().catch((e) => {
  console.error('duckdb: ' + e.message);
  process.exit(1);
});
