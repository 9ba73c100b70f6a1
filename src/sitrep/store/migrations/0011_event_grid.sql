-- bbox= at a million events (issue 8): events by one-degree band of latitude, then longitude.
-- A box is read as one longitude range in each band it spans (the query's band IN (…) with
-- longitude BETWEEN: a seek per band), so only the entries inside the box's bands and
-- longitudes are read. events_place (latitude first) read every event of the box's latitudes
-- around the world: a box over Donbas read the whole band from Canada to Kazakhstan.
-- The band expression must stay word for word _GRID in store/consolidated.py. The columns
-- after it hold what the map needs of a point, the dates a since/until tests and the type.
CREATE INDEX events_grid ON events(CAST(latitude + 90 AS INTEGER), longitude, latitude,
                                   fatalities, date_start, date_end, id, event_type);
