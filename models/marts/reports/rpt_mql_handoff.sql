{#-
    The MQLs sales should work now: leads whose current stage is mql, ranked by priority (fit
    grade, then engagement band), then total score, then the most recent MQL, with the top three
    positive reasons in words, e.g. "Pricing page views +27.5, VP title +20", and how long each
    has waited against var('mql_sla_hours') (spec §8).
-#}
{%- set sla_hours = lead_scoring.mql_sla_hours() %}
with

leads as (
    select * from {{ ref('dim_leads') }}
    where current_stage = 'mql'
),

-- the reasons of the MQL leads only: formatting and ranking every lead's is most of the work
-- (docs/decisions/0006-large-results-read-once.md)
contributions as (
    select * from {{ ref('fct_score_contributions') }}
    where
        points > 0
        and lead_id in (select leads.lead_id from leads)
),

fit_grades as (
    select * from {{ ref('stg_seeds__fit_grades') }}
),

ranked_reasons as (
    select
        lead_id,
        coalesce(rule_description, rule_id) || ' +' || {{ format_points('points') }} as reason,
        row_number() over (partition by lead_id order by points desc, rule_id asc) as reason_rank
    from contributions
),

top_reasons as (
    select
        lead_id,
        {{ ordered_listagg('reason', "', '", 'reason_rank') }} as top_reasons
    from ranked_reasons
    where reason_rank <= 3
    group by lead_id
),

ranked as (
    select
        leads.lead_id,
        leads.email,
        leads.priority,
        leads.fit_grade,
        leads.engagement_band,
        leads.lead_source,
        leads.total_score,
        leads.fit_score,
        leads.engagement_score,
        top_reasons.top_reasons,
        leads.latest_mql_at as mql_at,
        row_number() over (
            order by
                fit_grades.grade_rank asc, leads.engagement_band asc, leads.total_score desc,
                leads.latest_mql_at desc, leads.lead_id asc
        ) as handoff_rank
    from leads
    left join fit_grades
        on leads.fit_grade = fit_grades.grade
    left join top_reasons
        on leads.lead_id = top_reasons.lead_id
),

final as (
    select
        ---------- ids
        lead_id,
        ---------- ranking
        cast(handoff_rank as {{ dbt.type_bigint() }}) as handoff_rank,
        priority,
        fit_grade,
        engagement_band,
        ---------- attributes
        email,  -- hashed in staging when var hash_pii is true
        lead_source,
        top_reasons,
        ---------- scores
        total_score,
        fit_score,
        engagement_score,
        ---------- speed to lead
        {{ seconds_between('mql_at', as_of()) }} / 3600.0 as hours_waiting,
        {{ seconds_between('mql_at', as_of()) }} / 3600.0 > {{ sla_hours }} as is_overdue,
        ---------- timestamps
        mql_at
    from ranked
)

select * from final
