//! `grader merge`: joins the output folders of `grader batch --shard I/N`
//! into one with the same layout, the same grades.csv, reports and summary
//! as one unsharded batch would have written.
//!
//! It grades nothing: it checks that the shards belong together (one
//! assignment, seed, grader version and time limit; every shard of N present
//! once, each finished), gathers their rows and reports, copies their cache
//! entries so that a later batch into the merged folder resumes, and writes
//! the folder from the gathered rows.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use super::{Finished, Manifest, Shard};

pub fn merge(out: &Path, shard_outs: &[PathBuf]) -> Result<Finished> {
    let started = Instant::now();
    if shard_outs.is_empty() {
        bail!("give the output folders of the shards to merge: grader merge --out OUT SHARD_OUT...");
    }
    let mut shards = Vec::new();
    for shard_out in shard_outs {
        if same_folder(shard_out, out) {
            bail!("--out `{}` is also a shard to merge: merge into a new folder", out.display());
        }
        let mut manifest = Manifest::read(shard_out)?;
        if !manifest.finished {
            bail!("`{}` holds a batch that stopped before the end: run its `grader batch` again to finish it", shard_out.display());
        }
        manifest.read_reports(shard_out)?;
        shards.push((shard_out.as_path(), manifest));
    }
    check_they_belong_together(&shards)?;

    std::fs::create_dir_all(out.join("cache")).with_context(|| format!("cannot make `{}`", out.display()))?;
    for (shard_out, _) in &shards {
        copy_cache(shard_out, out)?;
    }
    let mut manifests = shards.into_iter().map(|(_, manifest)| manifest);
    let mut merged = manifests.next().context("at least one shard")?;
    merged.shard = None;
    for mut manifest in manifests {
        merged.students.append(&mut manifest.students);
    }
    let summary = merged.write_finished(out)?;
    Ok(Finished {
        this_run: format!(
            "Merged {} shards into {} in {:.1} s.",
            shard_outs.len(),
            out.display(),
            started.elapsed().as_secs_f64()
        ),
        all_graded: merged.students.iter().all(|row| row.status.graded()),
        summary,
    })
}

fn check_they_belong_together(shards: &[(&Path, Manifest)]) -> Result<()> {
    let (first_out, first) = &shards[0];
    for (shard_out, manifest) in &shards[1..] {
        let differs = |what: &str, mine: String, theirs: String| -> Result<()> {
            if mine != theirs {
                bail!(
                    "the shards were graded with different {what}s: `{}` has {theirs}, `{}` has {mine}; grade every shard with the same {what}",
                    first_out.display(),
                    shard_out.display()
                );
            }
            Ok(())
        };
        differs("assignment", manifest.assignment.clone(), first.assignment.clone())?;
        differs("seed", manifest.seed.to_string(), first.seed.to_string())?;
        differs("grader version", manifest.grader_version.clone(), first.grader_version.clone())?;
        differs("--timeout", format!("{:?}", manifest.timeout_secs), format!("{:?}", first.timeout_secs))?;
    }
    let count = first.shard.map_or(1, |shard| shard.count);
    let mut indices = BTreeSet::new();
    for (shard_out, manifest) in shards {
        let shard = manifest.shard.unwrap_or(Shard { index: 1, count: 1 });
        if shard.count != count {
            bail!("`{}` is not one of {count} shards: merge the folders of one `--shard I/{count}` run each", shard_out.display());
        }
        if !indices.insert(shard.index) {
            bail!("shard {shard} is given twice: give each shard's folder once");
        }
    }
    if let Some(missing) = (1..=count).find(|index| !indices.contains(index)) {
        bail!("shard {missing}/{count} is missing: its students would be left out of the gradebook");
    }
    let mut students = BTreeSet::new();
    for (shard_out, manifest) in shards {
        if let Some(row) = manifest.students.iter().find(|row| !students.insert(row.student.as_str())) {
            bail!("`{}` is in two shards (again in `{}`): were the shards graded from different class folders?", row.student, shard_out.display());
        }
    }
    Ok(())
}

fn copy_cache(shard_out: &Path, out: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(shard_out.join("cache")) else { return Ok(()) };
    for entry in entries.filter_map(|entry| entry.ok()) {
        let target = out.join("cache").join(entry.file_name());
        if !target.exists() {
            std::fs::copy(entry.path(), &target).with_context(|| format!("cannot copy `{}`", entry.path().display()))?;
        }
    }
    Ok(())
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
