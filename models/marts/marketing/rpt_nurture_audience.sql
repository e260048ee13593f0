{#-
    The leads to nurture (spec §9): one row per lead with a nurture track (dim_leads), for the
    email tool, with how many points its total score lacks to reach the min_total_score in force
    at as_of.
-#}
with

leads as (
    select * from {{ ref('dim_leads') }}
    where nurture_track is not null
),

thresholds as (
    select * from {{ ref('stg_seeds__mql_thresholds') }}
),

threshold_at_as_of as (
    select min_total_score from thresholds
    where {{ is_in_force('thresholds', as_of()) }}
),

final as (
    select
        ---------- ids
        leads.lead_id,
        ---------- audience
        leads.email,  -- hashed in staging when var hash_pii is true
        leads.nurture_track,
        leads.current_stage,
        leads.fit_grade,
        leads.engagement_band,
        leads.priority,
        ---------- scores at as_of
        leads.total_score,
        leads.fit_score,
        leads.engagement_score,
        greatest(threshold_at_as_of.min_total_score - leads.total_score, cast(0 as {{ type_double() }}))
            as points_to_mql
    from leads
    cross join threshold_at_as_of
)

select * from final
