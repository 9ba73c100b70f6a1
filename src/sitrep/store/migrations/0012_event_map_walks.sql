-- /api/map at a million events (issue 8): every walk of the map's order reads index entries
-- only. The map returns the 5,000 matching points with most fatalities, then latest; when its
-- filters match more than a few tens of thousands of events it walks an index in that order
-- and tests each entry until 5,000 match (store/consolidated.py, event_points). events_map
-- (0008) held a point's columns but not what the filters test, so a year, a sub-event type or
-- a modality read a row of the table per entry (a year of one type: ~230 ms); and a type's
-- points were looked for among every event (a type holding 6% of them: 16 entries per point).
-- bench/bench_api.py --varied times the map with filters no cache answers.
--
-- The expressions must stay word for word those of event_points (coalesce(fatalities, -1),
-- coalesce(date_start, '')), or SQLite will not use these indexes for the order.

-- type= (an ACLED event type): the map's order within a type, with the columns its other
-- filters test (dates, bounding box, modality, sources) and a point's columns. A year of a
-- type holding a fifth of the type's events gives its 5,000 points within ~25,000 entries.
CREATE INDEX events_type_map ON events(event_type, coalesce(fatalities, -1),
                                       coalesce(date_start, ''), id DESC, latitude, longitude,
                                       fatalities, date_start, date_end, modality,
                                       independent_sources);

-- The map's order over all events, as events_map, with every column a filter tests: a
-- sub-event type, a country, dates, modality and sources are tested in the entry. Replaces
-- events_map, a prefix of it.
CREATE INDEX events_map_filters ON events(coalesce(fatalities, -1), coalesce(date_start, ''),
                                          id DESC, latitude, longitude, event_type, fatalities,
                                          sub_event_type, date_start, date_end, country,
                                          modality, independent_sources);
DROP INDEX IF EXISTS events_map;
