{#-
    Each priority (fit grade x engagement band of the tier tables) with the nurture track it gets:
    the first track by sort_order whose lists hold the grade and the band, an empty list holding
    any (spec §9). A priority no track holds has no row. dim_leads gives a lead its priority's
    track when the lead is one to nurture.
-#}
with

tracks as (
    select * from {{ ref('stg_seeds__nurture_tracks') }}
    where track is not null and sort_order is not null
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

priorities as (
    select
        fit_grades.grade as fit_grade,
        engagement_bands.band as engagement_band
    from fit_grades
    cross join engagement_bands
),

-- every track holding each priority; grades are compared lower-cased, bands as numbers
holding_tracks as (
    select distinct
        priorities.fit_grade,
        priorities.engagement_band,
        tracks.track,
        tracks.sort_order
    from priorities
    cross join tracks
    left join items as grade_items
        on
            tracks.track = grade_items.track
            and tracks.sort_order = grade_items.sort_order
            and grade_items.list_name = 'fit_grades'
            and lower(priorities.fit_grade) = grade_items.item_text
    left join items as band_items
        on
            tracks.track = band_items.track
            and tracks.sort_order = band_items.sort_order
            and band_items.list_name = 'engagement_bands'
            and priorities.engagement_band = band_items.item_band
    where
        (tracks.fit_grades is null or grade_items.track is not null)
        and (tracks.engagement_bands is null or band_items.track is not null)
),

ranked as (
    select
        *,
        row_number() over (
            partition by fit_grade, engagement_band
            order by sort_order asc, track asc
        ) as track_rank
    from holding_tracks
),

final as (
    select
        ---------- ids
        fit_grade,
        engagement_band,
        ---------- track
        track as nurture_track,
        sort_order as nurture_track_sort_order
    from ranked
    where track_rank = 1
)

select * from final
