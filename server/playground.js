// Starts GraphiQL against this server's /graphql. Headers are not persisted, so the write
// token never lands in the browser's storage.
(function () {
  "use strict";
  var defaultQuery = DEFAULT_QUERY;
  var fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).href });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: "{\n}",
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      // graphql-go serves the introspection of the June 2018 spec, without deprecated
      // input values.
      inputValueDeprecation: false,
      defaultEditorToolsVisibility: "headers"
    })
  );
})();
