//! The in-thread seam of the business writes, on a real SQLite file.
use super::*;

/// A database in a new SQLite file (the directory goes with the returned guard).
async fn fresh() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    let db = Db::open(&url).await.unwrap();
    (dir, db)
}

/// The seam the business writes go through: on SQLite the writer runs them on its handle
/// in-thread, and what they wrote is committed and read back by sqlx's readers.
#[tokio::test]
async fn a_business_write_runs_in_thread_on_sqlite_and_is_committed() {
    let (_dir, db) = fresh().await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T09:00:00Z")
        .unwrap()
        .to_utc();
    let (in_thread, member) = db
        .write_in_thread(at, |tx, at| {
            Box::pin(async move {
                let member = members::upsert(&mut *tx, "T1", "U1", *at).await?;
                Ok((tx.in_thread(), member))
            })
        })
        .await
        .unwrap();
    assert!(
        in_thread,
        "SQLite's business writes run on the writer's handle"
    );
    assert_eq!(
        (member.team_id.as_str(), member.user_id.as_str()),
        ("T1", "U1")
    );
    let read = members::get(db.reader(), "T1", "U1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.local, member.local);
    // A statement that fails in-thread rolls the work back and says so.
    let failed = db
        .write_in_thread((), |tx, _| {
            Box::pin(async move {
                members::upsert(&mut *tx, "T1", "U2", chrono::Utc::now()).await?;
                sql::query("INSERT INTO no_such_table VALUES (1)")
                    .execute_on(&mut *tx)
                    .await?;
                Ok(())
            })
        })
        .await;
    assert!(failed.is_err());
    assert!(
        members::get(db.reader(), "T1", "U2")
            .await
            .unwrap()
            .is_none()
    );
    db.close().await;
}

/// What a business write reads in-thread is what sqlx reads: every row type with an
/// in-thread decoding (`LiteRow`) comes back the same both ways, NULLs, times, days,
/// vocabularies, typed text and the member's zone included.
#[tokio::test]
async fn rows_read_in_thread_decode_as_sqlx_decodes_them() {
    let (_dir, db) = fresh().await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-07T09:30:00.123Z")
        .unwrap()
        .to_utc();
    let day = at.date_naive();
    db.write(at, |c, at| {
        Box::pin(async move {
            members::upsert(&mut *c, "T1", "U1", *at).await?;
            members::set_streak(&mut *c, "T1", "U1", 3, Some(at.date_naive())).await?;
            let new = prospects::NewProspect {
                team_id: "T1",
                user_id: "U1",
                name: "Zoë <b> O'Hara",
                name_key: "zoë <b> o'hara",
                company: None,
                replaces_id: None,
                at: *at,
            };
            prospects::add(&mut *c, &new).await?;
            Ok(())
        })
    })
    .await
    .unwrap();
    let block = blocks::PlanInput {
        team_id: "T1".into(),
        user_id: "U1".into(),
        starts_at: at,
        day,
        minutes: 45,
        at,
    };
    blocks::plan_unless_overlapping(&db, block)
        .await
        .unwrap()
        .unwrap();
    let in_thread = db
        .write_in_thread(at, |tx, at| {
            Box::pin(async move {
                assert!(tx.in_thread());
                let member = members::upsert(&mut *tx, "T1", "U1", *at).await?;
                let state = members::step_state(&mut *tx, "T1", "U1").await?;
                let unknown = members::step_state(&mut *tx, "T1", "U9").await?;
                let prospect = prospects::find(&mut *tx, "T1", "U1", "zoë <b> o'hara").await?;
                let block = blocks::to_report(&mut *tx, "T1", "U1", *at, *at).await?;
                Ok(format!(
                    "{member:?}\n{state:?}\n{unknown:?}\n{prospect:?}\n{block:?}"
                ))
            })
        })
        .await
        .unwrap();
    let r = db.reader();
    let member = members::get(r, "T1", "U1").await.unwrap().unwrap();
    let state = members::step_state(r, "T1", "U1").await.unwrap();
    let unknown = members::step_state(r, "T1", "U9").await.unwrap();
    let prospect = prospects::find(r, "T1", "U1", "zoë <b> o'hara")
        .await
        .unwrap();
    let block = blocks::to_report(r, "T1", "U1", at, at).await.unwrap();
    let by_sqlx = format!("{member:?}\n{state:?}\n{unknown:?}\n{prospect:?}\n{block:?}");
    assert_eq!(in_thread, by_sqlx);
    // The rows were there to compare (not five `None`s alike).
    assert!(by_sqlx.contains("Zoë <b> O'Hara") && by_sqlx.contains("minutes: 45"));
    assert!(by_sqlx.contains(&format!("last_step_day: Some({day})")));
    db.close().await;
}

/// A team change is planned on a read (where the rep stands) and its DMs rendered for it; if
/// the rep's standing changed before the write, the write changes nothing and says so.
#[tokio::test]
async fn a_team_change_planned_on_a_stale_read_writes_nothing() {
    use team::{JoinDms, Named, Plan, Stale, Standing};
    let (_dir, db) = fresh().await;
    let at = chrono::Utc::now();
    db.write(at, |c, at| {
        Box::pin(async move {
            members::upsert(&mut *c, "T1", "U1", *at).await?;
            members::set_manager(c, "T1", "U1", Some("M1")).await
        })
    })
    .await
    .unwrap();
    let manager = |db: Db| async move {
        let m = members::get(db.reader(), "T1", "U1")
            .await
            .unwrap()
            .unwrap();
        m.manager_id
    };
    // Planned as if U1 were on M2's team: refused, M1 still theirs.
    let left = team::leave(&db, "T1", "U1", "M2", "note".into(), at).await;
    assert_eq!(left.unwrap(), Err(Stale));
    assert_eq!(manager(db.clone()).await.as_deref(), Some("M1"));
    // Planned as if U1 were on no team: M2's admin move is refused too.
    let named = vec![Named {
        rep: "U1".into(),
        planned: Standing::default(),
        plan: Plan::Join(JoinDms {
            to_rep: "welcome".into(),
            to_previous: None,
        }),
    }];
    let added = team::add_reps(&db, "T1", "M2", named, at).await.unwrap();
    assert_eq!(added, Err(Stale));
    assert_eq!(manager(db.clone()).await.as_deref(), Some("M1"));
    // Read right, it goes through.
    let standing = team::standing(db.reader(), "T1", "U1").await.unwrap();
    assert_eq!(standing.manager.as_deref(), Some("M1"));
    let left = team::leave(&db, "T1", "U1", "M1", "note".into(), at).await;
    assert_eq!(left.unwrap(), Ok(()));
    assert_eq!(manager(db.clone()).await, None);
    db.close().await;
}

/// The shout-out's counts are rendered outside the write; the write that queues them refuses
/// counts that no longer hold.
#[tokio::test]
async fn kudos_counts_rendered_on_a_stale_read_are_not_queued() {
    use interactions::Wins;
    let (_dir, db) = fresh().await;
    let at = chrono::Utc::now();
    let gap = chrono::Duration::seconds(10);
    let lines = vec![Wins::Range(1, 1)];
    let counted = interactions::celebrated_by(db.reader(), "T1", lines[0].as_ref());
    assert_eq!(counted.await.unwrap(), 0);
    let stale = interactions::Counts {
        shoutout_id: 1,
        channel: "C1".into(),
        lines,
        counts: vec![3],
        update: "{}".into(),
    };
    let queued = interactions::queue_counts(&db, "T1", stale, at, gap);
    assert_eq!(queued.await.unwrap(), Err(Stale));
    db.close().await;
}
