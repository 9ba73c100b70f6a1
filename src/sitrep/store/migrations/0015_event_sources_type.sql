-- /api/map at a million events (issue 8), after 0014: a minimum of sources counted and sorted
-- in proportion to its matches. store/consolidated.py (event_points, _map_driver, _by_sources)
-- reads this index; bench/bench_api.py --varied times maps no cache answers.
--
-- Before: min_sources=n with a period or a type was counted through the period's
-- (events_date_order) or the type's (events_type_date) index, testing independent_sources in
-- each entry, or through events_sources testing the period or type in each of its entries:
-- a year of 2025 (~190,000 events) with at least 2 sources counted 190,000 entries for 57,000
-- matches (50 ms), Explosions/Remote violence with at least 3 sources 300,000 for 34,000.
-- Here the events of one number of independent sources and one event type are a range of the
-- date key: a minimum of sources is read as one range per number at or above it (a dozen at
-- most: the numbers are few) and per event type (six; only with a period and no type), each
-- over the period's dates. The map names the numbers and types with a subquery seeking them in
-- the index, in the same statement, so none is missed.
--
-- It holds a point's columns and every other filter's, like 0014's indexes. The date key must
-- stay word for word that of consolidated.py (_DATE_KEY), or SQLite will not use it.
CREATE INDEX events_sources_type ON events(independent_sources, event_type,
                                           coalesce(date_start, ''), id, latitude, longitude,
                                           date_start, date_end, sub_event_type, country,
                                           modality, fatalities);
