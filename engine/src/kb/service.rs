//! The knowledge base as the desk uses it: the database holds the articles, each process keeps
//! a search index caught up with it (at start, after its own writes, and on a timer, so
//! replicas see each other's changes).

use super::index::{Filter, IndexDoc, IndexError, IndexPlace, SearchIndex, Tag};
use super::{Article, KbLanguage, KbOwner};
use crate::domain::{Level, Ticket, TicketId, TicketNumber};
use crate::store::{ChangeCounter, ResolvedTicket, Store, StoreError};

/// How many articles a new ticket is offered at most.
pub const SUGGESTED_AT_INTAKE: usize = 3;

/// One number per article language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ByLanguage {
    /// English articles.
    pub en: f32,
    /// Italian articles.
    pub it: f32,
    /// Polish articles.
    pub pl: f32,
}

impl ByLanguage {
    /// The value of `lang`.
    pub fn of(&self, lang: KbLanguage) -> f32 {
        match lang {
            KbLanguage::En => self.en,
            KbLanguage::It => self.it,
            KbLanguage::Pl => self.pl,
        }
    }
}

/// When search hits are worth suggesting. The first hit must cover enough of the request and
/// stand far enough ahead of the next one (its lead, `(first − second) / first` in score, is
/// the confidence that tells a right first hit from a wrong one; coverage alone does not, in
/// Polish); the hits after it are shown when they cover enough too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// The share of the request every suggested article must cover, 0–1.
    pub coverage: f32,
    /// The lead the first hit needs, per its language.
    pub lead: ByLanguage,
}

impl Thresholds {
    /// Calibrated with [`calibrate`](super::eval::calibrate) on the dev queries of
    /// `../shared/data/kb` (StackFAQ for English, Allegro for Polish, every right passage
    /// counted) so that a shown first suggestion is right at least four times in five, taking
    /// the stricter of the values picked on each half of the queries (against over-fitting).
    /// The coverage floor is English's calibration without a lead (0.4); it also keeps almost
    /// every unrelated request without a suggestion. Italian has no dev set: English's lead.
    pub const CALIBRATED: Thresholds = Thresholds {
        coverage: 0.4,
        lead: ByLanguage {
            en: 0.0,
            it: 0.0,
            pl: 0.3,
        },
    };

    /// Coverage alone decides (no lead needed): what `kb eval --threshold X` measures.
    pub const fn coverage_only(coverage: f32) -> Thresholds {
        Thresholds {
            coverage,
            lead: ByLanguage {
                en: 0.0,
                it: 0.0,
                pl: 0.0,
            },
        }
    }

    /// Whether a first hit of this language, coverage and lead is worth suggesting.
    pub fn confident(&self, lang: KbLanguage, coverage: f32, lead: f32) -> bool {
        coverage >= self.coverage && lead >= self.lead.of(lang)
    }
}

/// How far the first of these scores is ahead of the second, as a share of the first (1 when
/// there is no second).
pub fn lead(first: f32, second: Option<f32>) -> f32 {
    match second {
        Some(second) if first > 0.0 => ((first - second) / first).clamp(0.0, 1.0),
        _ => 1.0,
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds::CALIBRATED
    }
}

/// How a process keeps its knowledge base.
#[derive(Debug, Clone, PartialEq)]
pub struct KbOptions {
    /// Where the search indexes live.
    pub index: IndexPlace,
    /// When a hit is worth suggesting.
    pub thresholds: Thresholds,
}

impl KbOptions {
    /// Indexes in memory, calibrated thresholds: for tests and one-off commands.
    pub fn in_memory() -> KbOptions {
        KbOptions {
            index: IndexPlace::Memory,
            thresholds: Thresholds::CALIBRATED,
        }
    }

    /// Indexes in `folder`, calibrated thresholds.
    pub fn in_folder(folder: impl Into<std::path::PathBuf>) -> KbOptions {
        KbOptions {
            index: IndexPlace::Folder(folder.into()),
            thresholds: Thresholds::CALIBRATED,
        }
    }
}

/// The knowledge base could not be read or indexed.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The search index failed.
    #[error(transparent)]
    Index(#[from] IndexError),
}

/// A refresh with more changes than this shows its progress.
const PROGRESS_FROM: usize = 5_000;

/// Searches one article search may take to leave out shared articles a tenant's own replace.
const TAKE_OVER_ROUNDS: usize = 3;

/// Rows read from the database per page while catching up.
const PAGE: i64 = 2_000;

/// An article worth showing for a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The article's database id.
    pub id: i64,
    /// Whose it is.
    pub owner: KbOwner,
    /// The article's key.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// How much of the text it covers, 0–1.
    pub coverage: f32,
    /// The article's language (its threshold decides whether it is suggested).
    pub language: KbLanguage,
    /// Its ranking score (BM25, title boosted).
    pub score: f32,
}

/// A past resolved ticket like the one at hand, with how it was fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimilarTicket {
    /// Its number.
    pub number: TicketNumber,
    /// Its title.
    pub title: String,
    /// How it was fixed.
    pub resolution: String,
}

/// What the articles index stores with each article.
#[derive(serde::Serialize, serde::Deserialize)]
struct ArticleRef {
    id: i64,
    tenant: Option<i64>,
    slug: String,
    title: String,
}

/// What the similar-tickets index stores with each ticket.
#[derive(serde::Serialize, serde::Deserialize)]
struct TicketRef {
    number: i64,
    title: String,
    resolution: String,
}

fn owner_tag(owner: KbOwner) -> Tag {
    match owner {
        KbOwner::Shared => Tag::new("owner", "shared"),
        KbOwner::Tenant(t) => Tag::new("owner", t.0),
    }
}

fn slug_tag(slug: &str) -> Tag {
    Tag::new("slug", slug)
}

fn tenant_tag(tenant: crate::domain::TenantId) -> Tag {
    Tag::new("tenant", tenant.0)
}

fn specialty_tag(specialty: Option<&str>) -> Tag {
    // Names get a prefix, so no specialty name can pass for "none".
    match specialty {
        Some(name) => Tag::new("specialty", format_args!("+{name}")),
        None => Tag::new("specialty", "none"),
    }
}

fn level_tag(level: Level) -> Tag {
    Tag::new("level", level.as_str())
}

/// Removes the search indexes at `place`: the next start rebuilds them from the database (after
/// a restore, whose database they no longer follow).
pub fn remove_indexes(place: &IndexPlace) {
    for name in INDEXES {
        super::index::remove_index(place, name);
    }
}

/// The names of the two indexes, as their folders are called.
const INDEXES: [&str; 2] = ["articles", "tickets"];

/// Articles, and past resolved tickets, searchable.
pub struct KnowledgeBase {
    store: Store,
    articles: SearchIndex,
    tickets: SearchIndex,
    thresholds: Thresholds,
    /// How many changes the open read from the database (all of it for a new index).
    taken_at_open: usize,
}

impl KnowledgeBase {
    /// Opens the indexes where `options` says and brings them up to date with the database
    /// (all of it when an index is new; what changed since its last commit otherwise).
    pub async fn open(store: Store, options: KbOptions) -> Result<KnowledgeBase, KbError> {
        let started = std::time::Instant::now();
        let mut kb = KnowledgeBase {
            store,
            articles: SearchIndex::open(&options.index, INDEXES[0])?,
            tickets: SearchIndex::open(&options.index, INDEXES[1])?,
            thresholds: options.thresholds,
            taken_at_open: 0,
        };
        kb.taken_at_open = kb.refresh().await?;
        tracing::info!(
            articles = kb.articles.len(),
            resolved_tickets = kb.tickets.len(),
            changes_read = kb.taken_at_open,
            ms = started.elapsed().as_millis() as u64,
            "knowledge base ready"
        );
        Ok(kb)
    }

    /// [`open`](Self::open), or, when the index folder cannot be used, the same in memory (a
    /// warning says why): derived data never keeps the desk from starting.
    pub async fn open_or_in_memory(
        store: Store,
        options: KbOptions,
    ) -> Result<KnowledgeBase, KbError> {
        let thresholds = options.thresholds;
        match KnowledgeBase::open(store.clone(), options).await {
            Err(KbError::Index(e)) => {
                tracing::warn!(error = %e, "search index folder unusable: indexing in memory");
                let memory = KbOptions {
                    index: IndexPlace::Memory,
                    thresholds,
                };
                KnowledgeBase::open(store, memory).await
            }
            opened => opened,
        }
    }

    /// How many article and resolution changes the open read from the database: everything
    /// for a new index, only what changed since its last commit for one kept on disk.
    pub fn taken_at_open(&self) -> usize {
        self.taken_at_open
    }

    /// How many resolved tickets the similar-tickets index holds.
    pub fn resolved_len(&self) -> usize {
        self.tickets.len()
    }

    /// Takes in the articles and resolved tickets changed since the last look; returns how
    /// many. An index another process writes is reloaded instead.
    pub async fn refresh(&self) -> Result<usize, KbError> {
        let mut taken = 0;
        if self.articles.writable() {
            taken += self.catch_up_articles().await?;
        } else {
            self.articles.commit(None)?;
        }
        if self.tickets.writable() {
            taken += self.catch_up_tickets().await?;
        } else {
            self.tickets.commit(None)?;
        }
        Ok(taken)
    }

    async fn catch_up_articles(&self) -> Result<usize, KbError> {
        // By change number: each change is read once, in commit order.
        let mut seen = self
            .mark_checked(&self.articles, ChangeCounter::Articles)
            .await?;
        let mut progress: Option<crate::progress::Progress> = None;
        let mut taken = 0;
        loop {
            let page = self.store.articles_changed_after(seen.seq, PAGE).await?;
            let Some(last) = page.last() else { break };
            seen.seq = last.change;
            for a in &page {
                self.articles.upsert(&article_doc(a))?;
            }
            taken += page.len();
            // The first read of a large knowledge base takes a while: say how far it got.
            if taken > PROGRESS_FROM && progress.is_none() {
                progress = Some(crate::progress::Progress::start("indexing articles", None));
            }
            if let Some(p) = progress.as_mut() {
                p.advance(page.len() as u64);
            }
            if page.len() < PAGE as usize {
                break;
            }
        }
        if taken > 0 {
            self.articles.commit(Some(&seen.encode()))?;
        }
        if let Some(p) = progress {
            p.finish();
        }
        Ok(taken)
    }

    async fn catch_up_tickets(&self) -> Result<usize, KbError> {
        let mut seen = self
            .mark_checked(&self.tickets, ChangeCounter::Resolutions)
            .await?;
        let mut taken = 0;
        loop {
            let page = self.store.resolutions_changed_after(seen.seq, PAGE).await?;
            let Some(last) = page.last() else { break };
            seen.seq = last.change;
            for change in &page {
                match &change.resolved {
                    Some(t) => self.tickets.upsert(&ticket_doc(t))?,
                    None => self.tickets.remove(change.id.0 as u64),
                }
            }
            taken += page.len();
            if page.len() < PAGE as usize {
                break;
            }
        }
        if taken > 0 {
            self.tickets.commit(Some(&seen.encode()))?;
        }
        Ok(taken)
    }

    /// The index's mark, or 0 after emptying it when the mark is past what the database ever
    /// numbered (another database, or one restored from an older backup).
    async fn mark_checked(
        &self,
        index: &SearchIndex,
        counter: ChangeCounter,
    ) -> Result<Mark, KbError> {
        let database = self.store.change_counter(ChangeCounter::Identity).await?;
        let fresh = Mark { database, seq: 0 };
        let Some(text) = index.mark() else {
            return Ok(fresh);
        };
        let newest = self.store.change_counter(counter).await?;
        let why = match Mark::parse(&text) {
            Some(mark) if mark.database == database && mark.seq <= newest => return Ok(mark),
            Some(mark) if mark.database == database => {
                "the search index is ahead of its database (restored from a backup?)"
            }
            Some(_) => "the search index was built from another database",
            None => "the search index's mark is unreadable",
        };
        tracing::warn!(mark = %text, database_counter = newest, "{why}: rebuilding it");
        index.clear()?;
        Ok(fresh)
    }

    /// Puts resolved tickets into the similar-tickets index (this process's own changes, seen
    /// at once; the next refresh reads them again from the database, which changes nothing).
    pub fn take_in_resolved(&self, tickets: &[ResolvedTicket]) {
        if tickets.is_empty() {
            return;
        }
        let done = tickets
            .iter()
            .try_for_each(|t| self.tickets.upsert(&ticket_doc(t)))
            .and_then(|()| self.tickets.commit(None));
        if let Err(e) = done {
            tracing::warn!(error = %e, "similar-tickets index: a resolved ticket waits for the next refresh");
        }
    }

    /// Takes tickets that were reopened out of the similar-tickets index.
    pub fn forget_resolved(&self, tickets: &[TicketId]) {
        if tickets.is_empty() {
            return;
        }
        for id in tickets {
            self.tickets.remove(id.0 as u64);
        }
        if let Err(e) = self.tickets.commit(None) {
            tracing::warn!(error = %e, "similar-tickets index: a reopened ticket waits for the next refresh");
        }
    }

    /// Up to `limit` past resolved tickets like this text that the audience of `ticket`'s card
    /// may see: the same tenant; on a specialty's card that specialty's tickets only (its
    /// members may see no other); elsewhere tickets of no specialty resolved at the card's
    /// level or below (never `ticket` itself).
    pub fn similar_tickets(&self, ticket: &Ticket, text: &str, limit: usize) -> Vec<SimilarTicket> {
        let mut all_of = vec![
            vec![tenant_tag(ticket.tenant)],
            vec![specialty_tag(ticket.specialty.as_deref())],
        ];
        if ticket.specialty.is_none() {
            all_of.push(
                Level::ALL
                    .into_iter()
                    .filter(|l| *l <= ticket.level)
                    .map(level_tag)
                    .collect(),
            );
        }
        let filter = Filter {
            all_of,
            except: vec![ticket.id.0 as u64],
        };
        self.tickets
            .search(text, limit, &filter)
            .into_iter()
            .filter(|h| h.coverage >= self.thresholds.coverage)
            .filter_map(|h| serde_json::from_str::<TicketRef>(&h.data).ok())
            .map(|t| SimilarTicket {
                number: TicketNumber(t.number),
                title: t.title,
                resolution: t.resolution,
            })
            .collect()
    }

    /// Puts articles (new or changed) into the index.
    pub fn take_in(&self, articles: &[Article]) {
        if articles.is_empty() {
            return;
        }
        let done = articles
            .iter()
            .try_for_each(|a| self.articles.upsert(&article_doc(a)))
            .and_then(|()| self.articles.commit(None));
        if let Err(e) = done {
            tracing::warn!(error = %e, "knowledge-base index: an article waits for the next refresh");
        }
    }

    /// How many articles are searchable, of every owner.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// No article is searchable.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The best `limit` articles `reader` may see for the text, relevant or not (for
    /// `/kb search`): its own and shared ones, never another tenant's, and no shared article
    /// whose slug the reader's own article takes over.
    pub fn search(&self, reader: KbOwner, text: &str, limit: usize) -> Vec<Suggestion> {
        let mut owners = vec![owner_tag(KbOwner::Shared)];
        if reader != KbOwner::Shared {
            owners.push(owner_tag(reader));
        }
        let mut filter = Filter {
            all_of: vec![owners],
            except: Vec::new(),
        };
        // Each round leaves out the shared articles found to be taken over; rarely more than one.
        // A tenant shadowing many shared articles costs a few rounds, never a search per article:
        // after the last round the taken-over ones are dropped and fewer hits may come back.
        let mut rounds = 0;
        loop {
            rounds += 1;
            let hits: Vec<(super::Hit, ArticleRef)> = self
                .articles
                .search(text, limit, &filter)
                .into_iter()
                .filter_map(|h| {
                    let r = serde_json::from_str::<ArticleRef>(&h.data).ok()?;
                    Some((h, r))
                })
                .collect();
            let shadowed = self.taken_over(reader, &hits);
            if shadowed.is_empty() || rounds == TAKE_OVER_ROUNDS {
                return hits
                    .into_iter()
                    .filter(|(h, _)| !shadowed.contains(&h.key))
                    .map(|(h, r)| Suggestion {
                        id: r.id,
                        owner: KbOwner::of(r.tenant.map(crate::domain::TenantId)),
                        slug: r.slug,
                        title: r.title,
                        coverage: h.coverage,
                        language: h.language,
                        score: h.score,
                    })
                    .collect();
            }
            filter.except.extend(shadowed);
        }
    }

    /// The keys of the shared hits whose slug `reader` has an article of its own for.
    fn taken_over(&self, reader: KbOwner, hits: &[(super::Hit, ArticleRef)]) -> Vec<u64> {
        let shared: Vec<&(super::Hit, ArticleRef)> =
            hits.iter().filter(|(_, r)| r.tenant.is_none()).collect();
        if reader == KbOwner::Shared || shared.is_empty() {
            return Vec::new();
        }
        let own = Filter {
            all_of: vec![
                vec![owner_tag(reader)],
                shared.iter().map(|(_, r)| slug_tag(&r.slug)).collect(),
            ],
            except: Vec::new(),
        };
        let own_slugs: Vec<String> = self
            .articles
            .find(&own, shared.len())
            .into_iter()
            .filter_map(|h| serde_json::from_str::<ArticleRef>(&h.data).ok())
            .map(|r| r.slug)
            .collect();
        shared
            .into_iter()
            .filter(|(_, r)| own_slugs.contains(&r.slug))
            .map(|(h, _)| h.key)
            .collect()
    }

    /// Up to `limit` articles `reader` may see relevant enough to suggest for the text: none
    /// unless the first is a confident answer (see [`Thresholds`]), then it and those after it
    /// that cover enough of the text.
    pub fn suggest(&self, reader: KbOwner, text: &str, limit: usize) -> Vec<Suggestion> {
        let found = self.search(reader, text, limit.max(2));
        let Some(first) = found.first() else {
            return Vec::new();
        };
        let lead = lead(first.score, found.get(1).map(|s| s.score));
        if !self
            .thresholds
            .confident(first.language, first.coverage, lead)
        {
            return Vec::new();
        }
        found
            .into_iter()
            .take(limit)
            .filter(|s| s.coverage >= self.thresholds.coverage)
            .collect()
    }

    /// The store the articles live in.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// How far an index has read its database: the database's identity and the last change
/// number taken in, kept as `identity:number` in the index's commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    database: i64,
    seq: i64,
}

impl Mark {
    fn parse(text: &str) -> Option<Mark> {
        let (database, seq) = text.split_once(':')?;
        Some(Mark {
            database: database.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }

    fn encode(self) -> String {
        format!("{}:{}", self.database, self.seq)
    }
}

fn article_doc(a: &Article) -> IndexDoc {
    let data = ArticleRef {
        id: a.id,
        tenant: a.owner.tenant().map(|t| t.0),
        slug: a.slug.clone(),
        title: a.title.clone(),
    };
    IndexDoc {
        // Keyed by id: slugs repeat across owners.
        key: a.id as u64,
        title: a.title.clone(),
        body: a.body.clone(),
        language: a.language,
        tags: vec![owner_tag(a.owner), slug_tag(&a.slug)],
        data: serde_json::to_string(&data).unwrap_or_default(),
    }
}

fn ticket_doc(t: &ResolvedTicket) -> IndexDoc {
    let data = TicketRef {
        number: t.number.0,
        title: t.title.clone(),
        resolution: t.resolution.clone(),
    };
    IndexDoc {
        key: t.id.0 as u64,
        title: t.title.clone(),
        body: format!("{}\n{}", t.description, t.resolution),
        // Analysed as English: ticket texts carry no language of their own yet.
        language: KbLanguage::En,
        tags: vec![
            tenant_tag(t.tenant),
            specialty_tag(t.specialty.as_deref()),
            level_tag(t.level),
        ],
        data: serde_json::to_string(&data).unwrap_or_default(),
    }
}
