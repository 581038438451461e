use super::*;

/// The counts every message is rendered with: each plural category of the three languages.
const COUNTS: [i64; 5] = [0, 1, 2, 5, 22];

/// The plural categories CLDR gives whole numbers and fractions in each language.
fn categories(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::En | Language::It => &["one", "other"],
        Language::Pl => &["one", "few", "many", "other"],
    }
}

fn parsed(lang: Language) -> ast::Resource<&'static str> {
    fluent_syntax::parser::parse(lang.catalogue_source())
        .unwrap_or_else(|(_, e)| panic!("{lang}.ftl is not valid Fluent: {e:?}"))
}

fn messages(lang: Language) -> Vec<ast::Message<&'static str>> {
    parsed(lang)
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// Every select expression of a pattern, nested ones included.
fn selects<'p>(
    pattern: &'p ast::Pattern<&'static str>,
    out: &mut Vec<&'p ast::Expression<&'static str>>,
) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_selects(expression, out);
        }
    }
}

fn expression_selects<'p>(
    expression: &'p ast::Expression<&'static str>,
    out: &mut Vec<&'p ast::Expression<&'static str>>,
) {
    match expression {
        ast::Expression::Select { variants, .. } => {
            out.push(expression);
            for variant in variants {
                selects(&variant.value, out);
            }
        }
        ast::Expression::Inline(ast::InlineExpression::Placeable { expression }) => {
            expression_selects(expression, out)
        }
        ast::Expression::Inline(_) => {}
    }
}

/// The arguments a render fills every variable with: declared numbers at `count`, text as
/// `<name>`.
fn sample_args(msg: Msg, variables: &[String], count: i64) -> Vec<(&str, Arg)> {
    variables
        .iter()
        .map(|name| {
            let name = name.as_str();
            if msg.numbers().contains(&name) {
                (name, Arg::Num(count))
            } else {
                (name, Arg::Text(format!("<{name}>")))
            }
        })
        .collect()
}

fn count(lang: Language, msg: Msg, name: &str, n: i64) -> String {
    text(lang, msg, &[(name, Arg::Num(n))])
}

#[test]
fn every_catalogue_is_valid_fluent_and_loads_without_errors() {
    for lang in Language::ALL {
        parse_catalogue(lang.catalogue_source())
            .unwrap_or_else(|e| panic!("{lang}.ftl does not parse: {e}"));
        let resource = FluentResource::try_new(lang.catalogue_source().to_owned())
            .unwrap_or_else(|(_, e)| panic!("{lang}.ftl: {e:?}"));
        let mut bundle = Bundle::new_concurrent(vec![lang.code().parse().unwrap()]);
        bundle
            .add_resource(resource)
            .unwrap_or_else(|e| panic!("{lang}.ftl repeats ids: {e:?}"));
    }
}

#[test]
fn every_language_has_every_message_with_the_same_variables() {
    let english = parse_catalogue(Language::En.catalogue_source()).expect("en.ftl parses");
    for lang in Language::ALL {
        let catalogue = parse_catalogue(lang.catalogue_source())
            .unwrap_or_else(|e| panic!("{lang}.ftl does not parse: {e}"));
        for msg in Msg::ALL {
            let variables = catalogue
                .get(msg.key())
                .unwrap_or_else(|| panic!("{lang}.ftl lacks {}", msg.key()));
            assert_eq!(
                variables,
                &english[msg.key()],
                "{lang}.ftl: {} has other variables than English",
                msg.key()
            );
            for number in msg.numbers() {
                assert!(
                    variables.iter().any(|v| v == number),
                    "{lang}.ftl: {} does not use its number {number}",
                    msg.key()
                );
            }
        }
        for key in catalogue.keys() {
            assert!(
                Msg::from_key(key).is_some(),
                "{lang}.ftl has {key}, which no code uses"
            );
        }
    }
}

#[test]
fn selectors_choose_on_numbers_with_the_language_plural_categories() {
    for lang in Language::ALL {
        for message in messages(lang) {
            let id = message.id.name;
            let msg = Msg::from_key(id).unwrap_or_else(|| panic!("{lang}.ftl: unknown {id}"));
            let mut found = Vec::new();
            selects(message.value.as_ref().expect("a value"), &mut found);
            for select in found {
                let ast::Expression::Select { selector, variants } = select else {
                    unreachable!()
                };
                let ast::InlineExpression::VariableReference { id: var } = selector else {
                    panic!("{lang}.ftl: {id} selects on something other than a variable");
                };
                assert!(
                    msg.numbers().contains(&var.name),
                    "{lang}.ftl: {id} selects on ${}, which the code does not pass as a number",
                    var.name
                );
                let keys: Vec<&str> = variants
                    .iter()
                    .map(|v| match v.key {
                        ast::VariantKey::Identifier { name } => name,
                        ast::VariantKey::NumberLiteral { value } => value,
                    })
                    .collect();
                for key in &keys {
                    assert!(
                        categories(lang).contains(key) || key.parse::<f64>().is_ok(),
                        "{lang}.ftl: {id} has [{key}], not a plural category of {lang}"
                    );
                }
                // Every whole-number category has its own form.
                let needed: &[&str] = match lang {
                    Language::Pl => &["one", "few", "many"],
                    Language::En | Language::It => &["one"],
                };
                for category in needed {
                    assert!(
                        keys.contains(category),
                        "{lang}.ftl: {id} lacks [{category}]"
                    );
                }
            }
        }
    }
}

#[test]
fn every_message_renders_in_every_language_with_every_count() {
    let english = parse_catalogue(Language::En.catalogue_source()).expect("en.ftl parses");
    for lang in Language::ALL {
        for &msg in Msg::ALL {
            let variables = &english[msg.key()];
            for n in COUNTS {
                let args = sample_args(msg, variables, n);
                let fluent = fluent_args(msg, &args);
                let (out, errors) = render(lang, msg, &fluent)
                    .unwrap_or_else(|| panic!("{lang}: {} missing", msg.key()));
                let at = format!("{lang}: {} with {n}", msg.key());
                assert!(errors.is_empty(), "{at}: {errors:?}");
                assert!(!out.trim().is_empty(), "{at}: empty");
                assert!(!out.contains(['{', '}']), "{at}: left over braces: {out}");
                assert!(
                    !out.contains(['\u{2068}', '\u{2069}']),
                    "{at}: isolation marks"
                );
                for (name, value) in &args {
                    if let Arg::Text(value) = value {
                        assert!(out.contains(value.as_str()), "{at}: ${name} missing: {out}");
                    }
                }
                if !msg.numbers().is_empty() {
                    assert!(out.contains(&n.to_string()), "{at}: no number: {out}");
                }
            }
        }
    }
}

#[test]
fn polish_ticket_counts_take_the_form_of_each_number() {
    let pl = |msg, name, n| count(Language::Pl, msg, name, n);
    for (n, words) in [
        (0, "0 zgłoszeń"),
        (1, "1 zgłoszenie"),
        (2, "2 zgłoszenia"),
        (3, "3 zgłoszenia"),
        (5, "5 zgłoszeń"),
        (12, "12 zgłoszeń"),
        (22, "22 zgłoszenia"),
        (25, "25 zgłoszeń"),
    ] {
        assert_eq!(pl(Msg::ListTitle, "count", n), words);
        let new = text(
            Language::Pl,
            Msg::LimitNewTickets,
            &[("count", Arg::Num(n)), ("time", Arg::text("12:00"))],
        );
        assert!(new.contains(&format!("otwarto już {words},")), "{new}");
        let opened = text(
            Language::Pl,
            Msg::StatsVolumes,
            &[("opened", Arg::Num(n)), ("closed", Arg::Num(0))],
        );
        assert_eq!(opened, format!("Otwarto {words} · zamknięto 0"));
    }
    let open = |n| {
        text(
            Language::Pl,
            Msg::LimitOpenTickets,
            &[("count", Arg::Num(n)), ("numbers", Arg::text("#1"))],
        )
    };
    assert!(
        open(1).starts_with("Jest już 1 otwarte zgłoszenie (#1)"),
        "{}",
        open(1)
    );
    assert!(
        open(2).starts_with("Są już 2 otwarte zgłoszenia"),
        "{}",
        open(2)
    );
    assert!(
        open(5).starts_with("Jest już 5 otwartych zgłoszeń"),
        "{}",
        open(5)
    );
    assert!(
        open(22).starts_with("Są już 22 otwarte zgłoszenia"),
        "{}",
        open(22)
    );
    assert_eq!(pl(Msg::KbResultsTitle, "count", 4), "4 artykuły");
    assert_eq!(pl(Msg::KbResultsTitle, "count", 11), "11 artykułów");
    assert_eq!(pl(Msg::AuditTitle, "count", 1), "Dziennik audytu: 1 wpis");
}

#[test]
fn english_and_italian_counts_take_singular_and_plural() {
    assert_eq!(count(Language::En, Msg::ListTitle, "count", 1), "1 ticket");
    assert_eq!(count(Language::En, Msg::ListTitle, "count", 3), "3 tickets");
    assert_eq!(count(Language::En, Msg::ListTitle, "count", 0), "0 tickets");
    assert_eq!(
        count(Language::En, Msg::LogSuggestions, "count", 1),
        "1 article suggested"
    );
    assert_eq!(
        count(Language::It, Msg::KbResultsTitle, "count", 1),
        "1 articolo"
    );
    assert_eq!(
        count(Language::It, Msg::KbResultsTitle, "count", 22),
        "22 articoli"
    );
    let it = text(
        Language::It,
        Msg::StatsVolumes,
        &[("opened", Arg::Num(1)), ("closed", Arg::Num(4))],
    );
    assert_eq!(it, "1 ticket aperto · 4 chiusi");
}

#[test]
fn a_number_passed_as_text_takes_the_default_form_without_a_panic() {
    // The code must pass numbers as numbers; a slip is logged and still reads, never panics.
    let out = text(Language::Pl, Msg::ListTitle, &[("count", Arg::text(5))]);
    assert_eq!(out, "5 zgłoszenia");
}

#[test]
fn a_broken_catalogue_keeps_the_messages_that_parse() {
    let source = "list_title = { $count ->\n    [one] broken\n}\nnobody = somebody\n".to_owned();
    let bundle = bundle_from(Language::En, source);
    assert!(!bundle.has_message("list_title"));
    let pattern = bundle
        .get_message("nobody")
        .and_then(|m| m.value())
        .unwrap();
    let mut errors = Vec::new();
    assert_eq!(
        bundle.format_pattern(pattern, None, &mut errors),
        "somebody"
    );
    let broken = parse_catalogue("a = ok\nb = { $x\nc = fine\n");
    assert!(
        matches!(&broken, Err(CatalogueError::Syntax(e)) if e[0].starts_with("line 2")),
        "{broken:?}"
    );
    assert_eq!(
        parse_catalogue("a = x\na = y\n"),
        Err(CatalogueError::Duplicate("a".into()))
    );
    assert_eq!(
        parse_catalogue("a =\n    .b = x\n"),
        Err(CatalogueError::NoValue("a".into()))
    );
}

#[test]
fn placeholders_are_read_from_text_and_selectors() {
    let catalogue =
        parse_catalogue("a = { $n ->\n    [one] { $x } and { $y }\n   *[other] { $z }\n} { $x }\n")
            .unwrap();
    assert_eq!(catalogue["a"], ["n", "x", "y", "z"]);
}

#[test]
fn every_date_format_is_read_by_chrono() {
    let at = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
    for lang in Language::ALL {
        for msg in [
            Msg::DateTimeFormat,
            Msg::DateTimeSecondsFormat,
            Msg::DateTimeLocalFormat,
        ] {
            let format = text(lang, msg, &[]);
            assert!(
                chrono::format::StrftimeItems::new(&format).parse().is_ok(),
                "{lang}: {}",
                msg.key()
            );
        }
        assert!(date_time(lang, &at, true).contains("2027"));
    }
    assert_eq!(date_time(Language::En, &at, false), "2027-01-15 08:00 UTC");
}

#[test]
fn variables_are_filled_once_and_languages_differ() {
    let opened: Vec<String> = Language::ALL
        .into_iter()
        .map(|lang| {
            text(
                lang,
                Msg::RequesterOpened,
                &[
                    ("number", Arg::text("#7")),
                    ("priority", Arg::text("P3")),
                    ("level", Arg::text("L1")),
                ],
            )
        })
        .collect();
    for (i, one) in opened.iter().enumerate() {
        assert!(one.contains("#7") && !one.contains('{'), "{one}");
        assert!(
            !opened[..i].contains(one),
            "{} repeats another language",
            Language::ALL[i]
        );
    }
    assert!(opened[2].starts_with("Zgłoszenie #7"), "{}", opened[2]);
    let tricky = text(
        Language::En,
        Msg::AgentsNote,
        &[
            ("name", Arg::text("{ $text }")),
            ("text", Arg::text("a {$name} b")),
        ],
    );
    assert_eq!(tricky, "Note from { $text }: a {$name} b");
}

#[test]
fn a_platform_locale_picks_the_catalogue_of_its_language() {
    for (code, lang) in [
        ("pl-PL", Some(Language::Pl)),
        ("pl", Some(Language::Pl)),
        ("it", Some(Language::It)),
        ("it_IT", Some(Language::It)),
        ("en-US", Some(Language::En)),
        ("EN-gb", Some(Language::En)),
        ("de-DE", None),
        ("", None),
        ("english", None),
    ] {
        assert_eq!(Language::from_locale(code), lang, "{code}");
    }
}
