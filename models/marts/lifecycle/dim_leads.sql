{#- One row per lead: attributes, scores at as_of and lifecycle position at as_of. -#}
with

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

scores as (
    select * from {{ ref('fct_lead_score_history') }}
    where scored_at = {{ as_of() }}
),

transitions as (
    select * from {{ ref('fct_lifecycle_transitions') }}
),

nurture_tracks as (
    select * from {{ ref('int_priorities_assigned_to_nurture_tracks') }}
),

latest_transitions as (
    select
        lead_id,
        stage as current_stage,
        entered_at as current_stage_entered_at
    from (
        select
            *,
            row_number() over (partition by lead_id order by transition_number desc) as recency
        from transitions
    ) as ranked
    where recency = 1
),

stage_entries as (
    select
        lead_id,
        min(case when stage = 'mql' then entered_at end) as first_mql_at,
        max(case when stage = 'mql' then entered_at end) as latest_mql_at,
        sum(case when stage = 'mql' then 1 else 0 end) as mql_count,
        min(case when stage = 'sql' then entered_at end) as first_sql_at,
        min(case when stage = 'opportunity' then entered_at end) as first_opportunity_at,
        min(case when stage = 'customer' then entered_at end) as customer_at,
        min(case when stage = 'mql' then transition_number end) as first_mql_transition_number,
        min(case when stage = 'sql' then transition_number end) as first_sql_transition_number
    from transitions
    group by lead_id
),

-- whether the first sql was a skipped MQL (spec §5): no mql since the lead was last opened, by
-- its creation (the lead row) or its latest recycle before that sql. An MQL before a recycle
-- does not count, so the first MQL's timestamp cannot tell.
before_first_sql as (
    select
        transitions.lead_id,
        max(case when transitions.stage in ('lead', 'recycled') then transitions.transition_number end)
            as last_opened_transition_number,
        max(case when transitions.stage = 'mql' then transitions.transition_number end)
            as last_mql_transition_number
    from transitions
    inner join stage_entries
        on
            transitions.lead_id = stage_entries.lead_id
            and transitions.transition_number < stage_entries.first_sql_transition_number
    group by transitions.lead_id
),

-- whether the first MQL went on to SQL: the lead's next transition after it is sql (or
-- customer), its outcome 'accepted' in fct_mqls. first_sql_at cannot tell: the lead may have
-- reached sql before, skipping the MQL, or after the MQL was recycled, skipping a new one.
first_mql_to_sql as (
    select
        transitions.lead_id,
        transitions.entered_at as first_mql_to_sql_at
    from transitions
    inner join stage_entries
        on
            transitions.lead_id = stage_entries.lead_id
            and transitions.transition_number = stage_entries.first_mql_transition_number + 1
    where transitions.stage in ('sql', 'customer')
),

final as (
    select
        ---------- ids
        leads.lead_id,
        leads.account_id,
        ---------- lead attributes
        leads.email,  -- hashed in staging when var hash_pii is true
        leads.job_title,
        leads.country,
        leads.lead_source,
        leads.email_domain,
        ---------- account attributes
        leads.account_name,
        leads.industry,
        leads.account_country,
        leads.employee_count,
        leads.annual_revenue,
        ---------- scores at as_of
        scores.fit_score,
        scores.engagement_score,
        scores.total_score,
        scores.fit_grade,
        scores.engagement_band,
        scores.priority,
        ---------- lifecycle at as_of
        latest_transitions.current_stage,
        cast(stage_entries.mql_count as {{ dbt.type_int() }}) as mql_count,
        -- the leads not ready for sales get their priority's nurture track (spec §9)
        case
            when
                latest_transitions.current_stage in ('lead', 'recycled')
                and not scores.meets_mql_criteria
                and not scores.is_disqualified
                then nurture_tracks.nurture_track
        end as nurture_track,
        ---------- booleans
        scores.is_disqualified,
        scores.meets_mql_criteria,
        stage_entries.first_sql_at is not null
        and (
            before_first_sql.last_mql_transition_number is null
            or before_first_sql.last_mql_transition_number < before_first_sql.last_opened_transition_number
        ) as is_mql_skipped,
        leads.has_unknown_account,
        ---------- timestamps
        leads.created_at,
        latest_transitions.current_stage_entered_at,
        stage_entries.first_mql_at,
        stage_entries.latest_mql_at,
        stage_entries.first_sql_at,
        first_mql_to_sql.first_mql_to_sql_at,
        stage_entries.first_opportunity_at,
        stage_entries.customer_at
    from leads
    inner join scores
        on leads.lead_id = scores.lead_id
    inner join latest_transitions
        on leads.lead_id = latest_transitions.lead_id
    inner join stage_entries
        on leads.lead_id = stage_entries.lead_id
    left join first_mql_to_sql
        on leads.lead_id = first_mql_to_sql.lead_id
    left join before_first_sql
        on leads.lead_id = before_first_sql.lead_id
    left join nurture_tracks
        on
            scores.fit_grade = nurture_tracks.fit_grade
            and scores.engagement_band = nurture_tracks.engagement_band
)

select * from final
