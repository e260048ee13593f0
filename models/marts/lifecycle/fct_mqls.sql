{#- One row per MQL entry, with the scores at that instant and how the lead left the MQL stage. -#}
with

transitions as (
    select * from {{ ref('fct_lifecycle_transitions') }}
),

scores as (
    select * from {{ ref('fct_lead_score_history') }}
),

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

next_transitions as (
    select
        *,
        lead(stage) over (partition by lead_id order by transition_number) as next_stage,
        lead(entered_at) over (partition by lead_id order by transition_number) as next_entered_at,
        lead(disposition_id) over (partition by lead_id order by transition_number) as next_disposition_id
    from transitions
),

mqls as (
    select
        lead_id,
        row_number() over (partition by lead_id order by transition_number) as mql_number,
        entry_trigger as mql_trigger,
        case
            when next_stage is null then 'open'
            when next_stage in ('sql', 'opportunity', 'customer') then 'accepted'
            else next_stage
        end as outcome,
        next_disposition_id as outcome_disposition_id,
        entered_at as mql_at,
        next_entered_at as outcome_at
    from next_transitions
    where stage = 'mql'
),

final as (
    select
        ---------- ids
        mqls.lead_id || '-' || cast(mqls.mql_number as {{ dbt.type_string() }}) as mql_id,
        mqls.lead_id,
        cast(mqls.mql_number as {{ dbt.type_int() }}) as mql_number,
        mqls.outcome_disposition_id,
        ---------- attributes
        mqls.mql_trigger,
        leads.lead_source,
        scores.fit_grade as fit_grade_at_mql,
        mqls.outcome,
        ---------- numerics
        scores.total_score as total_score_at_mql,
        scores.fit_score as fit_score_at_mql,
        scores.engagement_score as engagement_score_at_mql,
        {{ seconds_between('mqls.mql_at', 'mqls.outcome_at') }} / 86400.0 as days_to_outcome,
        ---------- timestamps
        mqls.mql_at,
        mqls.outcome_at
    from mqls
    inner join leads
        on mqls.lead_id = leads.lead_id
    left join scores
        on
            mqls.lead_id = scores.lead_id
            and mqls.mql_at = scores.scored_at
)

select * from final
