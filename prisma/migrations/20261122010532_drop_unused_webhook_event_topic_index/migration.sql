-- DropIndex
DROP INDEX "webhook_event_provider_topic_received_at_idx";
