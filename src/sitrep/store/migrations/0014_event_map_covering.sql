-- /api/map at a million events (issue 8), after 0012: every filter the map and the lists can
-- test is in the entries of the index a request is read through, and a bounding box has the
-- map's order within each band of latitude. store/consolidated.py (event_points) chooses the
-- index; bench/bench_api.py --varied times maps no cache answers.
--
-- Before: a filter on modality or min_sources was tested in the table's rows. The map's total
-- counts every match, so modality=denied read 30,000 rows (200 ms), a country with a modality
-- read each of the country's events (UA: 100,000 rows, 450 ms), and min_sources=5 18,000
-- (210 ms). Now each index a map or list is read through holds modality and
-- independent_sources (and a country, a sub-event type where a filter on them may ride along),
-- and the modality and sources indexes hold a point's columns. Any of these filters may lead
-- (event_points, _map_driver: a box, a country, a type, a period in that order, unless a
-- modality or a minimum of sources holds fewer events), so each of their indexes holds the
-- columns of all the others.
--
-- The expressions must stay word for word those of consolidated.py (coalesce(fatalities, -1),
-- coalesce(date_start, ''), CAST(latitude + 90 AS INTEGER): _GRID), or SQLite will not use
-- these indexes. Each replaces the index of the same name, a prefix of it (the key and order
-- are unchanged: only columns after the key are added).

-- bbox=: the map's order (most fatalities, then latest) within each one-degree band of
-- latitude. A box's map reads its bands in that order, merged (a UNION ALL of one walk per
-- band, ordered by the map's order: SQLite merges the walks), testing the box's longitudes in
-- the entries, until it has its points: a walk of about cap / (the box's share of its bands'
-- events) entries. Sorting a box's matches cost ~0.7 us each: a box of 42,000 events over
-- north-western Iran took 28 ms sorted, 7 ms merged (counting it: 4 ms).
CREATE INDEX events_grid_map ON events(CAST(latitude + 90 AS INTEGER), coalesce(fatalities, -1),
                                       coalesce(date_start, ''), id DESC, longitude, latitude,
                                       event_type, fatalities, sub_event_type, date_start,
                                       date_end, country, modality, independent_sources);

-- bbox= counted and sorted (a box of up to MAP_GRID_LIMIT matches), now with every filter.
DROP INDEX IF EXISTS events_grid;
CREATE INDEX events_grid ON events(CAST(latitude + 90 AS INTEGER), longitude, latitude,
                                   fatalities, date_start, date_end, id, event_type,
                                   sub_event_type, country, modality, independent_sources);

-- country=: lists by date, the map's count and sort, and (0008's events_country_map) the map's
-- order within a country, which with the dates it now holds is walked value by value of
-- fatalities over a period (event_points, _skip_walk).
DROP INDEX IF EXISTS events_country_date;
CREATE INDEX events_country_date ON events(country, coalesce(date_start, ''), id, event_type,
                                           sub_event_type, latitude, longitude, date_start,
                                           date_end, fatalities, fatalities_low,
                                           fatalities_high, modality, independent_sources);
DROP INDEX IF EXISTS events_country_map;
CREATE INDEX events_country_map ON events(country, coalesce(fatalities, -1),
                                          coalesce(date_start, ''), id DESC, latitude,
                                          longitude, event_type, fatalities, sub_event_type,
                                          date_start, date_end, modality, independent_sources);

-- type=: an event type's and a sub-event type's events by date (lists, the map's count and
-- sort).
DROP INDEX IF EXISTS events_type_date;
CREATE INDEX events_type_date ON events(event_type, coalesce(date_start, ''), id, date_start,
                                        date_end, latitude, longitude, fatalities, country,
                                        modality, independent_sources);
DROP INDEX IF EXISTS events_subtype_date;
CREATE INDEX events_subtype_date ON events(sub_event_type, coalesce(date_start, ''), id,
                                           date_start, date_end, latitude, longitude,
                                           fatalities, event_type, country, modality,
                                           independent_sources);

-- since/until: the period's events by date (lists, the map's count and sort: a point's
-- fatalities were read from the row).
DROP INDEX IF EXISTS events_date_order;
CREATE INDEX events_date_order ON events(coalesce(date_start, ''), id, latitude, longitude,
                                         independent_sources, event_type, sub_event_type,
                                         date_start, date_end, country, modality, fatalities);

-- modality=: by date (lists; 0008's), now with a point's columns and every filter: a modality's
-- map counts and sorts its events here (a rare one, denied or negated, leads a country's or a
-- type's), a modality and a period read the period's range.
DROP INDEX IF EXISTS events_modality_date;
CREATE INDEX events_modality_date ON events(modality, coalesce(date_start, ''), id, latitude,
                                            longitude, date_start, date_end, event_type,
                                            sub_event_type, country, independent_sources,
                                            fatalities);

-- min_sources=: sort=sources and the events with at least n independent sources (0008's), with
-- a point's columns and every filter (a high minimum leads a type's or a period's map).
DROP INDEX IF EXISTS events_sources;
CREATE INDEX events_sources ON events(independent_sources, id, latitude, longitude, date_start,
                                      date_end, event_type, sub_event_type, country, modality,
                                      fatalities);
