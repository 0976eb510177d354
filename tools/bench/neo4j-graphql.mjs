// @neo4j/graphql on Apollo Server over the graph Dossier keeps in Neo4j (graph/neo4j/doc.go
// describes the model), for scripts/bench. Started by the bench with:
//
//   NODE_ENV=production NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=…
//   BENCH_ADDR=127.0.0.1:PORT BENCH_RELATION_TYPES=WARNED,DENIED,… node neo4j-graphql.mjs
//
// It prints "listening <url>" once it serves; with --print-schema it prints the generated schema
// and exits instead. Read-only: no mutations, no subscriptions.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Neo4jGraphQL } from "@neo4j/graphql";
import neo4j from "neo4j-driver";

function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`neo4j-graphql: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const relationTypes = env("BENCH_RELATION_TYPES").split(",");
for (const t of relationTypes) {
  // Types are written into the type definitions and the Cypher below, so only plain names pass.
  if (!/^[A-Z][A-Z_]*$/.test(t)) {
    console.error(`neo4j-graphql: bad relation type ${JSON.stringify(t)}`);
    process.exit(2);
  }
}
const [host, port] = env("BENCH_ADDR").split(":");
if (host !== "127.0.0.1") {
  console.error("neo4j-graphql: BENCH_ADDR must be on 127.0.0.1");
  process.exit(2);
}

const fieldName = (t) => t.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());

// One @relationship field per relation type, as @neo4j/graphql maps typed edges. A field has
// one type, so "the first 50 outgoing acts of any type, by id" (the benchmark's Q1) is a
// @cypher field, the library's way to serve what its generated API cannot express.
const typeDefs = `#graphql
type Entity @node(labels: ["Entity"]) @mutation(operations: []) @subscription(events: []) {
  id: String!
  kind: String!
  name: String!
  aliases: [String!]
  description: String
  country: String
  role: String
  published: [Article!]! @relationship(type: "PUBLISHED", direction: OUT)
${relationTypes.map((t) => `  ${fieldName(t)}: [Entity!]! @relationship(type: "${t}", direction: OUT, properties: "Act")`).join("\n")}
  outgoing(first: Int = 50, includeNegated: Boolean = false): [OutgoingAct!]!
    @cypher(
      statement: """
      MATCH (this)-[r:${relationTypes.join("|")}]->(o)
      WHERE $includeNegated OR NOT r.negated
      WITH r, o ORDER BY r.id LIMIT toInteger($first)
      RETURN {type: type(r), summary: r.summary, sourceCount: r.sourceCount,
              to: CASE WHEN o:Unnamed THEN null ELSE {name: o.name} END} AS act
      """
      columnName: "act"
    )
}

type Article @node @mutation(operations: []) @subscription(events: []) {
  id: String!
  title: String!
  url: String
  published: String
  authors: [String!]
  outlet: [Entity!]! @relationship(type: "PUBLISHED", direction: IN)
}

type Act @relationshipProperties {
  id: String!
  negated: Boolean!
  date: String
  dateStart: String
  dateEnd: String
  dateText: String
  summary: String
  quantity: String
  sourceCount: Int!
  about: [String!]
  evidenceArticles: [String!]
  evidenceExcerpts: [String!]
}

type OutgoingAct {
  type: String!
  summary: String
  sourceCount: Int!
  to: EndName
}

type EndName {
  name: String
}
`;

const driver = neo4j.driver(env("NEO4J_URI"), neo4j.auth.basic(env("NEO4J_USERNAME"), env("NEO4J_PASSWORD")));
await driver.verifyConnectivity();
const neoSchema = new Neo4jGraphQL({
  typeDefs,
  driver,
  // Keyset paging over ids (the benchmark's Q2) needs "greater than" on strings.
  features: { filters: { String: { GT: true } } },
});
const schema = await neoSchema.getSchema();
if (process.argv[2] === "--print-schema") {
  const { printSchema } = await import("graphql");
  console.log(printSchema(schema));
  await driver.close();
  process.exit(0);
}
const server = new ApolloServer({ schema });
const { url } = await startStandaloneServer(server, { listen: { host, port: Number(port) } });
console.log(`listening ${url}`);

for (const sig of ["SIGTERM", "SIGINT"]) {
  process.on(sig, async () => {
    await server.stop();
    await driver.close();
    process.exit(0);
  });
}
