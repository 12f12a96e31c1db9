import type { UnitStatus } from "../platform/lifecycle/lifecycles.ts";
import type { Tx } from "../jobs/queue.ts";

/**
 * Changes the email a unit's gift goes to, only while the unit is in one of `statuses`
 * (checked in the same statement, so a concurrent redemption wins or loses cleanly). True
 * when it changed.
 */
export async function setUnitRecipientEmail(tx: Tx, unitId: string, statuses: readonly UnitStatus[], email: string): Promise<boolean> {
  const changed = await tx.fulfillmentUnit.updateMany({ where: { id: unitId, status: { in: [...statuses] } }, data: { recipientEmail: email } });
  return changed.count === 1;
}
