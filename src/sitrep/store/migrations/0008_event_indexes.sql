-- Indexes for the API's event lists, map, timeline and stats at a million events (issue 8).
-- bench/bench_api.py times every query named below, with and without these (--before).
--
-- The lists order by an expression and then the id (EVENT_SORTS in store/consolidated.py). An
-- index on exactly that expression and id hands out a page without sorting; a later page reads
-- the index from its start to the cursor (an index-only walk: ~80 ms at page 5,000 of 1M). The
-- expressions must stay word for word those of EVENT_SORTS and event_points, or SQLite will
-- not use these indexes.
--
-- Columns after the key let a filter be tested in the index instead of in the row: a list
-- whose filter matches few events scans index entries until it has a page, never the table
-- row by row (a row read is a random page of a 1.4 GB file; an index entry is not).
-- Single-column indexes on a filter (modality, latitude…) are left out on purpose: without
-- statistics SQLite prefers them to the ordered scan, then sorts every match (all events in a
-- wide bounding box, all "asserted" events) to return 100.

-- sort=date and sort=-date (the UI's default), with any filter but country, and their cursors.
-- Filters tested in the index: bbox, min_sources, type, since, until.
CREATE INDEX events_date_order ON events(coalesce(date_start, ''), id, latitude, longitude,
                                         independent_sources, event_type, sub_event_type,
                                         date_start, date_end);

-- country= lists by date; with the country's type, bbox and dates tested in the index, and
-- everything the timeline of a country reads (it needs no row). Replaces events_country, a
-- prefix of it.
CREATE INDEX events_country_date ON events(country, coalesce(date_start, ''), id, event_type,
                                           sub_event_type, latitude, longitude, date_start,
                                           date_end, fatalities, fatalities_low,
                                           fatalities_high);
DROP INDEX IF EXISTS events_country;

-- modality= lists by date, and the modality counts of /api/facets from the index alone.
CREATE INDEX events_modality_date ON events(modality, coalesce(date_start, ''), id);

-- sort=-fatalities and sort=fatalities: two keys, unknown fatalities last both ways.
CREATE INDEX events_fatalities_desc ON events(coalesce(fatalities, -1), id);
CREATE INDEX events_fatalities_asc ON events(coalesce(fatalities, 4611686018427387904), id);

-- sort=sources and sort=-sources (independent sources).
CREATE INDEX events_sources ON events(independent_sources, id);

-- /api/map (event_points): the 5,000 points with most fatalities, then latest, read from the
-- index alone (it holds every column a point has), and the count of events with a place.
-- Read backwards: fatalities and date descending, id ascending.
CREATE INDEX events_map ON events(coalesce(fatalities, -1), coalesce(date_start, ''), id DESC,
                                  latitude, longitude, event_type, fatalities);

-- /api/map?country=: the same order within a country (the UI's map follows the country filter).
CREATE INDEX events_country_map ON events(country, coalesce(fatalities, -1),
                                          coalesce(date_start, ''), id DESC, latitude,
                                          longitude, event_type, fatalities);

-- /api/timeline without a country: every column it reads, so it scans this index, not the
-- table. Replaces events_date, a prefix of it.
CREATE INDEX events_date_figures ON events(date_start, date_end, fatalities, fatalities_low,
                                           fatalities_high);
DROP INDEX IF EXISTS events_date;

-- /api/stats: how many events happened and their fatalities, from the index alone.
CREATE INDEX events_happened ON events(happened, fatalities);
