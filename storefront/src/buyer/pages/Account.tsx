import { useState, type FormEvent } from "react";
import { api, asProblem, type Problem, type Schemas } from "../api/client.ts";
import { navigate } from "../router.ts";
import { useSession } from "../session.tsx";
import { Notice, ProblemView } from "../ui.tsx";
import { useLoad } from "../useApi.ts";

type Role = Schemas["BuyerMember"]["role"];
const ROLES: Array<[Role, string]> = [
  ["owner", "Owner: everything"],
  ["admin", "Admin: everything"],
  ["sender", "Sender: places and follows orders"],
  ["finance", "Finance: pays, sees receipts"],
];

/** The team (invite, roles, remove), API keys (created and revoked here; shown once), the digest email. */
export default function Account() {
  const { session, can, refresh, setSession } = useSession();
  if (session === undefined) return <p role="status">Loading…</p>;
  if (!session) return <ProblemView problem={{ status: 401, code: "unauthorized", detail: "Sign in to see your team." }} />;
  return (
    <div className="account">
      <h1>{session.organisation.name}</h1>
      <p className="muted">Signed in as {session.member.email} ({session.member.role}).{" "}
        <button type="button" className="link" onClick={async () => { await api.POST("/v1/buyer-auth/sign-out"); setSession(null); navigate("/buy"); }}>Sign out</button>
      </p>
      <Team manage={can("team.manage")} me={session.member.id} />
      {can("keys.manage") ? <ApiKeys /> : null}
      {can("settings.manage") ? <Digest on={session.organisation.digestOptIn} onSaved={refresh} /> : null}
    </div>
  );
}

function Team({ manage, me }: { manage: boolean; me: string }) {
  const { data, reload } = useLoad("members", async () => {
    const r = await api.GET("/v1/buyer/members");
    return r.data ? { data: r.data.items } : { problem: asProblem(r.error, r.response) };
  });
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("sender");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [ok, setOk] = useState<string | null>(null);
  async function invite(e: FormEvent) {
    e.preventDefault();
    setProblem(null);
    const r = await api.POST("/v1/buyer/members", { body: { email, role } });
    if (r.data) {
      setOk(`Invitation sent to ${r.data.email}.`);
      setEmail("");
      reload();
    } else setProblem(asProblem(r.error, r.response));
  }
  async function act(p: Promise<{ error?: unknown; response: Response }>) {
    const r = await p;
    if (r.error) setProblem(asProblem(r.error, r.response));
    else reload();
  }
  return (
    <section className="panel" aria-labelledby="team-h">
      <h2 id="team-h">Team</h2>
      <table className="list">
        <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th>{manage ? <th scope="col"><span className="sr">Actions</span></th> : null}</tr></thead>
        <tbody>
          {(data ?? []).map((m) => (
            <tr key={m.id}>
              <td>{m.email}</td>
              <td>
                {manage && m.id !== me ? (
                  <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => act(api.PATCH("/v1/buyer/members/{id}", { params: { path: { id: m.id } }, body: { role: e.target.value as Role } }))}>
                    {ROLES.map(([r]) => <option key={r} value={r}>{r}</option>)}
                  </select>
                ) : m.role}
              </td>
              <td>{m.joinedAt ? new Date(m.joinedAt).toLocaleDateString() : "Invited"}</td>
              {manage ? (
                <td>{m.id !== me ? <button type="button" className="link danger" onClick={() => act(api.DELETE("/v1/buyer/members/{id}", { params: { path: { id: m.id } } }))} aria-label={`Remove ${m.email}`}>Remove</button> : null}</td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {manage ? (
        <form onSubmit={invite} className="inline-form">
          <div>
            <label htmlFor="inv-email">Invite by email</label>
            <input id="inv-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div>
            <label htmlFor="inv-role">Role</label>
            <select id="inv-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map(([r, label]) => <option key={r} value={r}>{label}</option>)}
            </select>
          </div>
          <button className="btn" type="submit">Send invitation</button>
        </form>
      ) : null}
      <Notice problem={problem} />
      <Notice problem={ok} kind="ok" />
    </section>
  );
}

function ApiKeys() {
  const { data, reload } = useLoad("keys", async () => {
    const r = await api.GET("/v1/buyer/api-keys");
    return r.data ? { data: r.data.items } : { problem: asProblem(r.error, r.response) };
  });
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  async function create(e: FormEvent) {
    e.preventDefault();
    const r = await api.POST("/v1/buyer/api-keys", { body: { name } });
    if (r.data) {
      setCreated(r.data.key);
      setName("");
      reload();
    } else setProblem(asProblem(r.error, r.response));
  }
  return (
    <section className="panel" aria-labelledby="keys-h">
      <h2 id="keys-h">API keys</h2>
      <p className="muted">For integrations with the REST API (<a href="/docs">reference</a>). A key acts for the whole team.</p>
      {created ? (
        <div className="notice ok" role="status">
          <p>Your new key. Copy it now: it is shown this once.</p>
          <code className="secret">{created}</code>
        </div>
      ) : null}
      <table className="list">
        <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Last used</th><th scope="col"><span className="sr">Actions</span></th></tr></thead>
        <tbody>
          {(data ?? []).map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td><code>gl_sk_{k.prefix}_…</code></td>
              <td>{k.revokedAt ? "Revoked" : k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : "Never"}</td>
              <td>{k.revokedAt ? null : <button type="button" className="link danger" aria-label={`Revoke ${k.name}`} onClick={async () => { await api.DELETE("/v1/buyer/api-keys/{id}", { params: { path: { id: k.id } } }); reload(); }}>Revoke</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} className="inline-form">
        <div>
          <label htmlFor="key-name">New key's name</label>
          <input id="key-name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button className="btn" type="submit">Create key</button>
      </form>
      <Notice problem={problem} />
    </section>
  );
}

function Digest({ on, onSaved }: { on: boolean; onSaved(): Promise<void> }) {
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="digest-h">
      <h2 id="digest-h">Emails</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={on}
          onChange={async (e) => {
            const r = await api.PATCH("/v1/buyer/settings", { body: { digestOptIn: e.target.checked } });
            if (r.data) {
              setSaved(r.data.digestOptIn ? "You will get a daily email of the day's redemptions." : "No daily email.");
              await onSaved();
            }
          }}
        />{" "}
        A daily email of the gifts redeemed that day
      </label>
      <Notice problem={saved} kind="ok" />
    </section>
  );
}
