import { useState } from "react";
import type { SettingsData } from "./settings-data.ts";

/** The settings as edited (text fields as typed), whether they differ from the saved ones, and a discard back to those. */
export function useSettingsForm(s: SettingsData) {
  const initial = {
    email: s.notificationEmail ?? "",
    expiry: String(s.defaultExpiryDays),
    notify: s.shopifyNotifyCustomer,
    afterSent: s.reminders.afterSentDays.join(", "),
    beforeExpiry: s.reminders.beforeExpiryDays.join(", "),
  };
  const [email, setEmail] = useState(initial.email);
  const [expiry, setExpiry] = useState(initial.expiry);
  const [notify, setNotify] = useState(initial.notify);
  const [afterSent, setAfterSent] = useState(initial.afterSent);
  const [beforeExpiry, setBeforeExpiry] = useState(initial.beforeExpiry);
  const dirty =
    email !== initial.email || expiry !== initial.expiry || notify !== initial.notify || afterSent !== initial.afterSent || beforeExpiry !== initial.beforeExpiry;

  const discard = () => {
    setEmail(initial.email);
    setExpiry(initial.expiry);
    setNotify(initial.notify);
    setAfterSent(initial.afterSent);
    setBeforeExpiry(initial.beforeExpiry);
  };

  return { email, setEmail, expiry, setExpiry, notify, setNotify, afterSent, setAfterSent, beforeExpiry, setBeforeExpiry, dirty, discard };
}

export type SettingsForm = ReturnType<typeof useSettingsForm>;
