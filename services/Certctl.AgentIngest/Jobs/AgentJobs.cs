namespace Certctl.AgentIngest.Jobs;

/// <summary>SQL shared by the job endpoints: which jobs an agent may speak for.</summary>
internal static class AgentJobs
{
    /// <summary>
    /// A job is the agent's when it is addressed to it, when its target is the agent's, or (a CSR job) when its certificate is
    /// mapped to one of the agent's active targets. Parameters <c>@job_id</c> and <c>@agent_id</c>; alias <c>j</c>.
    /// </summary>
    public const string OwnedBy = """
        (j.agent_id = @agent_id
         OR EXISTS (SELECT 1 FROM deployment_targets t WHERE t.id = j.target_id AND t.agent_id = @agent_id)
         OR (j.type IN ('Issuance', 'Renewal')
             AND EXISTS (SELECT 1 FROM certificate_target_mappings m JOIN deployment_targets t ON t.id = m.target_id
                         WHERE m.certificate_id = j.certificate_id AND t.agent_id = @agent_id AND t.retired_at IS NULL)))
        """;
}
