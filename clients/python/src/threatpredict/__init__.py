"""Generated from proto/threatpredict/v1 by scripts/generate-clients.ts; do not edit."""
