//! `--compare-postgraphile`: the offers query on the API and the same 50 offers on PostGraphile v4, on the
//! same database and rows, alternately (A B A B), so a drift of the machine touches both alike.

use serde_json::{Value, json};

use super::client::{Connection, graphql};
use super::database::BenchDatabase;
use super::postgraphile::{self, PostGraphile};
use super::report::Row;
use super::scenarios::{self, Scenario};
use super::{Bench, operations, users};

impl Bench<'_> {
    /// Runs A B A B and returns the line with the ratio of the mean req/s.
    pub(super) async fn compare_postgraphile(
        &mut self,
        database: &BenchDatabase,
        rows: &mut Vec<Row>,
    ) -> Result<String, String> {
        let postgraphile = PostGraphile::start(database.url()).await?;
        let result = self.a_b_a_b(&postgraphile, rows).await;
        postgraphile.stop().await;
        result
    }

    async fn a_b_a_b(&mut self, postgraphile: &PostGraphile, rows: &mut Vec<Row>) -> Result<String, String> {
        let theirs = postgraphile.offer_rows().await?;
        let ours = self.api_offer_rows().await?;
        if theirs != ours || ours.len() != 50 {
            return Err(format!(
                "PostGraphile's list is not the API's: {} vs {} offers, first {:?} vs {:?}",
                theirs.len(),
                ours.len(),
                theirs.first(),
                ours.first()
            ));
        }
        let (mut api_rates, mut their_rates) = (Vec::new(), Vec::new());
        let connections = self.options.connections;
        for round in 1..=2 {
            users::refresh(self.api.address, &mut self.users).await?;
            let (source, judge, _) =
                scenarios::read_load(Scenario::OffersWithPartner, self.api.address, &self.users).await?;
            let label = format!("A{round}: API, offers with partner name");
            let row =
                self.measure(label, self.api.address, connections, self.options.warm_up, source, judge, true).await;
            println!("{}", row.line());
            api_rates.push(row.measured.per_second());
            rows.push(row);
            let (source, judge) = postgraphile.load();
            let label = format!("B{round}: PostGraphile 4, allOffers with partnerByPartnerId");
            let row = self
                .measure(label, postgraphile.address, connections, self.options.warm_up, source, judge, false)
                .await;
            println!("{}", row.line());
            their_rates.push(row.measured.per_second());
            rows.push(row);
        }
        let mean = |rates: &[f64]| rates.iter().sum::<f64>() / rates.len().max(1) as f64;
        let ratio = mean(&api_rates) / mean(&their_rates).max(1e-9);
        Ok(format!(
            "API / PostGraphile 4 (2 workers), the same 50 offers with partner name, A B A B: {ratio:.2}× \
             ({:.0} vs {:.0} req/s on average)",
            mean(&api_rates),
            mean(&their_rates)
        ))
    }

    /// The API's list as (title, costPoints, partner name) rows.
    async fn api_offer_rows(&self) -> Result<Vec<Value>, String> {
        let mut connection = Connection::open(self.api.address).await.map_err(|e| format!("connect: {e}"))?;
        let token = self.users.first().map(|u| u.access_token.as_str());
        let answer = graphql(&mut connection, token, &json!({ "query": operations::OFFERS_WITH_PARTNER })).await?;
        let edges = answer["data"]["offers"]["edges"].as_array().cloned().unwrap_or_default();
        Ok(edges
            .iter()
            .map(|e| {
                postgraphile::offer_row(&e["node"]["title"], &e["node"]["costPoints"], &e["node"]["partner"]["name"])
            })
            .collect())
    }
}
