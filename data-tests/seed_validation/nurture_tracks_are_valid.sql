{#- Every problem in seeds/nurture_tracks.csv, one row each: the seed, the track, what to fix. -#}
{{ config(severity='error') }}

with

tracks as (
    select * from {{ ref('stg_seeds__nurture_tracks') }}
),

items as (
    select * from {{ ref('int_nurture_track_items') }}
),

fit_grades as (
    select * from {{ ref('stg_seeds__fit_grades') }}
    where grade is not null
),

engagement_bands as (
    select * from {{ ref('stg_seeds__engagement_bands') }}
    where band is not null
),

-- the names an item may take, listed in the messages
grade_names as (
    select {{ ordered_listagg('grade', "', '", 'grade_rank') }} as names
    from fit_grades
),

band_names as (
    select {{ ordered_listagg('band_text', "', '", 'band') }} as names
    from engagement_bands
),

-- items that name no grade (compared lower-cased) or no band (compared as numbers)
unknown_items as (
    select items.*
    from items
    left join fit_grades
        on
            items.list_name = 'fit_grades'
            and items.item_text = lower(fit_grades.grade)
    left join engagement_bands
        on
            items.list_name = 'engagement_bands'
            and items.item_band = engagement_bands.band
    where
        items.item_text is not null
        and fit_grades.grade is null
        and engagement_bands.band is null
),

problems as (
    select
        cast(null as {{ dbt.type_string() }}) as track,
        cast(null as {{ dbt.type_string() }}) as sort_order_text,
        'the table has no tracks, only its header row: restore its rows' as problem
    from (
        select count(*) as track_count
        from tracks
    ) as counted
    where track_count = 0

    union all
    select
        track,
        sort_order_text,
        'track is empty: give the track a name'
    from tracks
    where track is null

    -- a name written in another case would be a second track for the same email list
    union all
    select
        min(track),
        cast(null as {{ dbt.type_string() }}),
        'track ''' || min(track) || ''' appears more than once (sort_order '
        || {{ ordered_listagg("coalesce(sort_order_text, '')", "' and '", 'sort_order_text') }}
        || case
            when min(track) <> max(track)
                then '; ''' || min(track) || ''' and ''' || max(track) || ''' differ only in case'
            else ''
        end
        || '): give each track one row'
    from tracks
    where track is not null
    group by lower(track)
    having count(*) > 1

    union all
    select
        track,
        sort_order_text,
        'sort_order ''' || coalesce(sort_order_text, '') || ''' must be a whole number'
    from tracks
    where sort_order is null

    union all
    select
        min(track),
        min(sort_order_text),
        'tracks ' || {{ ordered_listagg("'''' || coalesce(track, '') || ''''", "' and '", 'track') }}
        || ' share sort_order ' || cast(sort_order as {{ dbt.type_string() }})
        || ': give each track its own, the first to try lowest'
    from tracks
    where sort_order is not null
    group by sort_order
    having count(*) > 1

    union all
    select
        track,
        sort_order_text,
        list_name || ' has an empty item: remove the extra |'
    from items
    where item_text is null

    union all
    select
        unknown_items.track,
        unknown_items.sort_order_text,
        unknown_items.list_name || ' item ''' || unknown_items.item_as_typed || ''' is not '
        || case
            when unknown_items.list_name = 'fit_grades'
                then 'a grade of seeds/fit_grades.csv (' || grade_names.names || ')'
            else 'a band of seeds/engagement_bands.csv (' || band_names.names || ')'
        end
        || case
            when unknown_items.item_count = 1 and unknown_items.list_text like '%,%'
                then
                    ': separate the items with | (e.g. '
                    || case when unknown_items.list_name = 'fit_grades' then 'A | B' else '1 | 2' end || ')'
            else ''
        end
    from unknown_items
    cross join grade_names
    cross join band_names
),

final as (
    select
        'seeds/nurture_tracks.csv' as seed,
        track,
        sort_order_text as sort_order,
        problem
    from problems
)

select * from final
