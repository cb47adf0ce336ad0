#!/bin/sh
# Fetches the pinned GraphiQL, React and ReactDOM releases from the npm registry into vendor/ (production builds),
# with their licences, and records their checksums in vendor/VERSIONS. Run from anywhere; needs npm and network.
# To update: change a version below, run this, try /graphql in a browser, commit vendor/.
set -eu
GRAPHIQL=4.1.2
REACT=18.3.1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" >/dev/null
for package in "graphiql-$GRAPHIQL" "react-$REACT" "react-dom-$REACT"; do
  mkdir "$package" && tar xzf "$package.tgz" -C "$package"
done
vendor="$here/vendor"
mkdir -p "$vendor"
cp "graphiql-$GRAPHIQL/package/graphiql.min.js" "$vendor/graphiql.min.js"
cp "graphiql-$GRAPHIQL/package/graphiql.min.css" "$vendor/graphiql.min.css"
cp "graphiql-$GRAPHIQL/package/LICENSE" "$vendor/LICENSE.graphiql"
cp "react-$REACT/package/umd/react.production.min.js" "$vendor/react.production.min.js"
cp "react-$REACT/package/LICENSE" "$vendor/LICENSE.react"
cp "react-dom-$REACT/package/umd/react-dom.production.min.js" "$vendor/react-dom.production.min.js"
{
  echo "graphiql $GRAPHIQL, react $REACT, react-dom $REACT (npm registry), fetched by ../update.sh"
  cd "$vendor" && sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js
} > "$vendor/VERSIONS"
echo "vendor/ updated:"; cat "$vendor/VERSIONS"
