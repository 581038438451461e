//! `helpdesk kb`: import, export, search, history and evaluation of the knowledge base.

use super::{list_or_none, open, open_existing};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use helpdesk::config::Config;
use helpdesk::i18n::{self, Language};
use helpdesk::kb::{self, ArticleDraft, KbLanguage, KbOwner};
use helpdesk::store::Store;
use std::path::{Path, PathBuf};

/// Whose articles a `kb` command works on: `--tenant PLATFORM:ID`, or the shared ones.
#[derive(Args)]
pub struct KbOwnerArg {
    /// The tenant whose articles these are, as platform:workspace-or-guild id (slack:T123,
    /// discord:80351110224678912). Without it: the shared articles every tenant reads.
    #[arg(long, value_name = "PLATFORM:ID", value_parser = parse_tenant_key)]
    tenant: Option<(helpdesk_chat::Platform, String)>,
}

/// `slack:T123` → (Slack, "T123").
fn parse_tenant_key(text: &str) -> Result<(helpdesk_chat::Platform, String), String> {
    let (platform, id) = text
        .split_once(':')
        .ok_or_else(|| format!("{text:?}: expected PLATFORM:ID, e.g. slack:T123"))?;
    let platform = platform.parse().map_err(|e| format!("{e}"))?;
    let id = id.trim();
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Err(format!(
            "{text:?}: the id after ':' is missing or has spaces"
        ));
    }
    Ok((platform, id.to_string()))
}

#[derive(Subcommand)]
pub enum KbCommand {
    /// Import articles: a folder of Markdown files with front matter, or a JSONL file.
    /// Re-importing updates articles by id instead of duplicating them.
    Import {
        /// A folder of `*.md` files (front matter: title, tags, language; the file name is the id).
        #[arg(required_unless_present = "jsonl", conflicts_with = "jsonl")]
        dir: Option<PathBuf>,
        /// A file of `{"id","title","body"}` lines instead.
        #[arg(long)]
        jsonl: Option<PathBuf>,
        /// The language of articles that do not say: en, it or pl.
        #[arg(long, default_value = "en")]
        language: KbLanguage,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Write every article of the tenant (or the shared ones) as a Markdown file with front
    /// matter into a folder.
    Export {
        /// The folder (created if missing).
        dir: PathBuf,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Search the articles a tenant sees (its own and the shared ones) as a suggestion would.
    Search {
        /// What a person would write.
        text: String,
        /// How many results.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Every revision of an article: who saved it, when, and what it said.
    History {
        /// The article's id (its slug, as in `kb search`).
        id: String,
        /// Print JSON, with each revision's whole text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        owner: KbOwnerArg,
    },
    /// Measure search quality: P@1, Hit@3, MRR@10, nDCG@10 and the suggestion threshold's
    /// precision, on a query file (`{"id","text","article"}` lines) against an article file, or
    /// else against the stored articles a tenant sees.
    Eval(EvalArgs),
}

#[derive(Args)]
pub struct EvalArgs {
    /// Articles, JSONL (default: the stored articles of `--tenant`, or the shared ones).
    #[arg(long, conflicts_with = "tenant")]
    articles: Option<PathBuf>,
    /// Queries, JSONL.
    #[arg(long)]
    queries: PathBuf,
    /// Coverage a suggestion needs (default: the built-in calibrated value).
    #[arg(long)]
    threshold: Option<f32>,
    /// The articles' language when they do not say.
    #[arg(long, default_value = "en")]
    language: KbLanguage,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    owner: KbOwnerArg,
}

/// Runs one `kb` subcommand.
pub async fn run(config: &Config, command: KbCommand) -> Result<()> {
    match command {
        KbCommand::Import {
            dir,
            jsonl,
            language,
            owner,
        } => {
            let drafts = match (dir, jsonl) {
                (_, Some(file)) => kb::read_jsonl(&file, language)?,
                (Some(dir), None) => kb::read_markdown_dir(&dir, language)?,
                (None, None) => bail!("name a folder or --jsonl FILE"),
            };
            import(config, &drafts, &owner).await
        }
        KbCommand::Export { dir, owner } => export(config, &dir, &owner).await,
        KbCommand::Search { text, limit, owner } => search(config, &text, limit, &owner).await,
        KbCommand::History { id, json, owner } => history(config, &id, json, &owner).await,
        KbCommand::Eval(args) => eval(config, args).await,
    }
}

/// The owner `--tenant` names: a tenant the database knows, or (when `create`, for imports) one
/// configured in `[[tenants]]`; without `--tenant`, the shared articles.
async fn kb_owner(
    config: &Config,
    store: &Store,
    arg: &KbOwnerArg,
    create: bool,
) -> Result<KbOwner> {
    let Some((platform, id)) = &arg.tenant else {
        return Ok(KbOwner::Shared);
    };
    let tenants = store.tenants().await?;
    if let Some(t) = tenants
        .iter()
        .find(|t| t.platform == *platform && t.external_id == *id)
    {
        return Ok(KbOwner::Tenant(t.id));
    }
    let configured = config
        .tenants
        .iter()
        .find(|t| t.platform == *platform && t.id == *id);
    match configured {
        Some(t) if create => {
            let mut tx = store.begin().await?;
            let name = t.name.as_deref().unwrap_or(id);
            let tenant = tx
                .ensure_tenant(*platform, id, name, chrono::Utc::now())
                .await?;
            tx.commit().await?;
            Ok(KbOwner::Tenant(tenant))
        }
        Some(_) => bail!("tenant {platform}:{id} has no articles yet"),
        None => {
            let known: Vec<String> = tenants
                .iter()
                .map(|t| format!("{}:{}", t.platform, t.external_id))
                .collect();
            bail!(
                "no tenant {platform}:{id}: it is neither in [[tenants]] nor in the database; \
                 known tenants: {}",
                list_or_none(&known)
            )
        }
    }
}

/// Saves the drafts in one transaction, then brings the search index up to date.
async fn import(config: &Config, drafts: &[ArticleDraft], owner: &KbOwnerArg) -> Result<()> {
    use helpdesk::store::Saved;
    let store = open(config).await?;
    let owner = kb_owner(config, &store, owner, true).await?;
    let now = chrono::Utc::now();
    let mut tx = store.begin().await?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    let mut progress =
        helpdesk::progress::Progress::start("importing articles", Some(drafts.len() as u64));
    for draft in drafts {
        match tx.save_article(owner, draft, now).await?.1 {
            Saved::Created => created += 1,
            Saved::Updated => updated += 1,
            Saved::Unchanged => unchanged += 1,
        }
        progress.advance(1);
    }
    tx.commit().await?;
    progress.finish();
    println!("{owner}: {created} created, {updated} updated, {unchanged} unchanged");
    // Index them now, so the bot's next start finds its index current (a running bot
    // holds the index and takes them in within seconds itself).
    let base = kb::KnowledgeBase::open(store.clone(), config.kb_options()).await?;
    println!("search index: {} articles", base.len());
    drop(base);
    store.close().await;
    Ok(())
}

/// Writes each article of the owner as `<slug>.md` into `dir`.
async fn export(config: &Config, dir: &Path, owner: &KbOwnerArg) -> Result<()> {
    let store = open_existing(config).await?;
    let owner = kb_owner(config, &store, owner, false).await?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let articles = store.articles_of(owner).await?;
    for a in &articles {
        let path = dir.join(format!("{}.md", a.slug));
        std::fs::write(&path, kb::to_markdown(a))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!(
        "{} articles ({owner}) written to {}",
        articles.len(),
        dir.display()
    );
    Ok(())
}

/// Prints the hits for `text`, marking those a suggestion at intake would show.
async fn search(config: &Config, text: &str, limit: usize, owner: &KbOwnerArg) -> Result<()> {
    let store = open_existing(config).await?;
    let reader = kb_owner(config, &store, owner, false).await?;
    // A read-only command still answers where it may not write the index folder.
    let base = kb::KnowledgeBase::open_or_in_memory(store, config.kb_options()).await?;
    let hits = base.search(reader, text, limit.clamp(1, 100));
    if hits.is_empty() {
        println!("nothing found");
    }
    let suggested: Vec<i64> = base
        .suggest(reader, text, kb::SUGGESTED_AT_INTAKE)
        .iter()
        .map(|s| s.id)
        .collect();
    for h in hits {
        let mark = if suggested.contains(&h.id) {
            "suggested"
        } else {
            ""
        };
        println!("{:<24} {:>5.2} {:<9} {}", h.slug, h.coverage, mark, h.title);
    }
    Ok(())
}

/// Prints every revision of the article `id` the owner reads.
async fn history(config: &Config, id: &str, json: bool, owner: &KbOwnerArg) -> Result<()> {
    let store = open_existing(config).await?;
    let reader = kb_owner(config, &store, owner, false).await?;
    let Some(article) = store.article(reader, id).await? else {
        bail!("there is no article {id:?} for {reader}");
    };
    let history = store.article_history(article.id).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&history)?);
        return Ok(());
    }
    println!(
        "{} ({}): {} revision(s), now r{}",
        article.slug,
        article.owner,
        history.len(),
        article.revision
    );
    for r in &history {
        println!(
            "r{:<4} {}  {:<24} {:>7} chars  {}",
            r.revision,
            i18n::date_time(Language::En, &r.edited_at, true),
            r.editor.as_deref().unwrap_or("-"),
            r.body.chars().count(),
            r.title
        );
    }
    Ok(())
}

/// Measures search quality on the queries against the articles and prints the figures.
async fn eval(config: &Config, args: EvalArgs) -> Result<()> {
    let drafts = match &args.articles {
        Some(file) => kb::read_jsonl(file, args.language)?,
        None => stored_drafts(config, &args.owner).await?,
    };
    let queries = read_queries(&args.queries)?;
    let index = kb::drafts_index(&drafts)?;
    let thresholds = args
        .threshold
        .map_or(kb::Thresholds::CALIBRATED, kb::Thresholds::coverage_only);
    let r = kb::evaluate(&index, &queries, thresholds);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!(
        "{} articles, {} queries, suggestion threshold {}",
        index.len(),
        r.queries,
        args.threshold
            .map_or_else(|| format!("{thresholds:?}"), |t| t.to_string())
    );
    println!("P@1      {:.3}", r.p_at_1);
    println!("Hit@3    {:.3}", r.hit_at_3);
    println!("MRR@10   {:.3}", r.mrr_at_10);
    println!("nDCG@10  {:.3}", r.ndcg_at_10);
    println!(
        "first suggestion passing the threshold: shown for {:.1} % of queries, right {:.1} % of the time",
        100.0 * r.suggested,
        100.0 * r.suggestion_precision
    );
    Ok(())
}

/// The stored articles the owner reads, one per slug: its own article of a slug replaces the
/// shared one.
async fn stored_drafts(config: &Config, owner: &KbOwnerArg) -> Result<Vec<ArticleDraft>> {
    let store = open_existing(config).await?;
    let reader = kb_owner(config, &store, owner, false).await?;
    let mut by_slug = std::collections::BTreeMap::new();
    let mut after = 0;
    loop {
        let page = store.articles_changed_after(after, 2_000).await?;
        let Some(last) = page.last() else { break };
        after = last.change;
        for a in page.into_iter().filter(|a| a.owner.readable_by(reader)) {
            let own = a.owner != KbOwner::Shared;
            let keep = by_slug
                .get(&a.slug)
                .is_none_or(|(was_own, _): &(bool, ArticleDraft)| own || !was_own);
            if keep {
                by_slug.insert(a.slug.clone(), (own, ArticleDraft::from(&a)));
            }
        }
    }
    Ok(by_slug.into_values().map(|(_, d)| d).collect())
}

/// The query file: one `{"id","text","article"}` object a line, blank lines skipped.
fn read_queries(file: &Path) -> Result<Vec<kb::EvalQuery>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).with_context(|| format!("{}:{}", file.display(), n + 1))
        })
        .collect()
}
