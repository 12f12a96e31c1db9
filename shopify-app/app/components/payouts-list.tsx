import { useNavigate } from "@remix-run/react";
import { Card, EmptyState, IndexTable, Text } from "@shopify/polaris";
import type { PayoutListItem } from "@giftloop/core/payouts/vendor-payouts";
import { formatDate, formatMoney, plural } from "../lib/format.ts";
import { PayoutStatusBadge } from "./payout-status.tsx";

/** The brand's payouts, newest first; a row opens the payout. */
export function PayoutsList({ payouts, nextCursor }: { payouts: PayoutListItem[]; nextCursor: string | null }) {
  const navigate = useNavigate();
  if (payouts.length === 0) {
    return (
      <Card>
        <EmptyState heading="No payouts yet" image="">
          <p>Each payout cycle pays the shares of the gifts you shipped once their settlement window has passed.</p>
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card padding="0">
      <IndexTable
        resourceName={{ singular: "payout", plural: "payouts" }}
        itemCount={payouts.length}
        selectable={false}
        headings={[{ title: "Created" }, { title: "Status" }, { title: "Gifts" }, { title: "Paid" }, { title: "Amount", alignment: "end" }]}
        pagination={nextCursor ? { hasNext: true, onNext: () => navigate(`?cursor=${encodeURIComponent(nextCursor)}`) } : undefined}
      >
        {payouts.map((p, i) => (
          <IndexTable.Row id={p.id} key={p.id} position={i} onClick={() => navigate(`/app/payouts/${p.id}`)}>
            <IndexTable.Cell>
              <Text as="span" fontWeight="semibold">
                {formatDate(p.createdAt)}
              </Text>
            </IndexTable.Cell>
            <IndexTable.Cell>
              <PayoutStatusBadge status={p.status} />
              {p.failureReason ? (
                <Text as="span" tone="subdued" variant="bodySm">
                  {" "}
                  {p.failureReason}
                </Text>
              ) : null}
            </IndexTable.Cell>
            <IndexTable.Cell>{plural(p.lineCount, "gift")}</IndexTable.Cell>
            <IndexTable.Cell>{p.paidAt ? formatDate(p.paidAt) : "—"}</IndexTable.Cell>
            <IndexTable.Cell>
              <Text as="span" alignment="end" numeric>
                {formatMoney(p.amountMinor, p.currency)}
              </Text>
            </IndexTable.Cell>
          </IndexTable.Row>
        ))}
      </IndexTable>
    </Card>
  );
}
