-- The API's filters at a million events (issue 8), after migration 0008's ordered indexes:
-- the actor filter as an index lookup, the type filter on one column, the date filters on the
-- sort key, and the bounding box counted from an index. bench/bench_api.py times them.
--
-- store/consolidated.py writes its queries so that these indexes are usable: an index on an
-- expression serves a query only when the query's expression is the same word for word (the
-- keys of EVENT_SORTS, _SPAN in consolidated.py). Change them together.

-- Which actor takes part in which event (actor1, actor2 or an associated actor): the actor
-- filter reads an actor's events here instead of testing every event's three columns and its
-- JSON list. Derived from events like them: update_events writes an event's rows with the event
-- and drops them with its block (store/consolidated.py), `sitrep load` fills it after loading
-- events. (Triggers on events would keep it for any writer, but measured here an insert
-- trigger on events makes each insert 2-6 times slower, with the expression indexes of 0008.)
CREATE TABLE event_actors (
    actor_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    PRIMARY KEY (actor_id, event_id)
) WITHOUT ROWID;
CREATE INDEX event_actors_event ON event_actors(event_id);

INSERT OR IGNORE INTO event_actors(actor_id, event_id)
    SELECT actor1_id, id FROM events WHERE actor1_id IS NOT NULL
    UNION ALL SELECT actor2_id, id FROM events WHERE actor2_id IS NOT NULL
    UNION ALL SELECT j.value, e.id FROM events e, json_each(e.associated) j
    WHERE j.type = 'text';

-- type= is an ACLED event type or a sub-event type (two vocabularies: the query tests one
-- column), listed by date. The columns after the key let since/until and a bounding box be
-- tested in the index, and hold all a map point needs (the map of a type reads no row).
CREATE INDEX events_type_date ON events(event_type, coalesce(date_start, ''), id, date_start,
                                        date_end, latitude, longitude, fatalities);
CREATE INDEX events_subtype_date ON events(sub_event_type, coalesce(date_start, ''), id,
                                           date_start, date_end, latitude, longitude,
                                           fatalities, event_type);
-- (events_type of 0006 stays: the facets' GROUP BY event_type, sub_event_type walks it.)

-- Each event's span in days (dates are ISO days). The longest one bounds how far before
-- `since` an event that still overlaps it can start, so since= becomes a range on the date key
-- (a range scan of the ordered index) while the exact test (date_end >= since) stays; max()
-- over this index is one lookup. When that is long (an event dated "since 2017"), a list reads
-- the range of events up to a month long, and the longer ones apart through this index: the
-- date key and date_end let it test them here and read only the rows that match.
CREATE INDEX events_span ON events(julianday(date_end) - julianday(date_start),
                                   coalesce(date_start, ''), id, date_end);

-- bbox=: how many events fall in a box, counted from this index alone (a page of a small box
-- is then read through it; a large box walks the ordered index instead), and the map of a box:
-- it holds all a map point needs and the map's order, so no row is read.
CREATE INDEX events_place ON events(latitude, longitude, fatalities, date_start, id,
                                    event_type);
