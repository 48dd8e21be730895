//! `newsdex timeline`, `entities`, `similar` and `duplicates`: the questions
//! beyond a ranked list.

use anyhow::Result;
use newsdex::{EntitiesRequest, EntityKind, NewsIndex, SimilarRequest, TimelineRequest};

use crate::cli::args::{DuplicatesArgs, EntitiesArgs, KindArg, ShowArgs, SimilarArgs, TimelineArgs};
use crate::cli::render;

pub fn timeline(a: TimelineArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let req = TimelineRequest {
        filter: a.filters.filter(&a.query)?,
        interval: a.by,
    };
    if a.format.is_some() {
        super::export::timeline_csv(&index, &req)?;
        return Ok(0);
    }
    let t = index.timeline(&req)?;
    if a.json {
        super::print_json(&t)?;
    } else {
        let columns = render::Width::of_stdout().0.unwrap_or(80);
        let width = columns.saturating_sub(24).clamp(10, 60);
        let color = super::search::use_color(a.color);
        render::timeline(&mut std::io::stdout().lock(), &t, width, color)?;
    }
    Ok(0)
}

pub fn entities(a: EntitiesArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let req = EntitiesRequest {
        filter: a.filters.filter(&a.query)?,
        kind: a.kind.map(|k| match k {
            KindArg::Person => EntityKind::Person,
            KindArg::Org => EntityKind::Org,
            KindArg::Place => EntityKind::Place,
        }),
        limit: a.limit as usize,
        min_count: a.min_count,
    };
    let r = index.associated_entities(&req)?;
    if a.format.is_some() {
        newsdex::export::entities_csv(std::io::BufWriter::new(std::io::stdout().lock()), &r)?;
        return Ok(0);
    }
    if a.json {
        super::print_json(&r)?;
    } else {
        render::entities(&mut std::io::stdout().lock(), &r, render::Width::of_stdout())?;
    }
    Ok(0)
}

pub fn show(a: ShowArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let view = index.article_view(&a.id, &a.query)?;
    if a.json {
        super::print_json(&view)?;
    } else {
        let corpus = index.corpus()?;
        let color = super::search::use_color(a.color);
        render::article(
            &mut std::io::stdout().lock(),
            &view,
            &a.query,
            color,
            render::Width::of_stdout(),
            corpus.as_deref(),
        )?;
    }
    Ok(0)
}

pub fn similar(a: SimilarArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let r = index.similar(&SimilarRequest {
        id: a.id,
        limit: a.limit as usize,
        include_duplicates: a.include_duplicates,
    })?;
    if a.json {
        super::print_json(&r)?;
    } else {
        let corpus = index.corpus()?;
        render::search_response(
            &mut std::io::stdout().lock(),
            &r,
            0,
            false,
            render::Width::of_stdout(),
            corpus.as_deref(),
        )?;
    }
    Ok(0)
}

pub fn duplicates(a: DuplicatesArgs) -> Result<u8> {
    super::ensure_default_index(&a.location)?;
    let index = NewsIndex::open(a.location.path())?;
    let groups = index.duplicate_groups()?;
    if a.json {
        super::print_json(&groups)?;
    } else {
        render::duplicates(
            &mut std::io::stdout().lock(),
            &groups,
            a.limit,
            render::Width::of_stdout(),
        )?;
    }
    Ok(0)
}
