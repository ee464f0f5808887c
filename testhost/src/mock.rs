//! Mock Clerk Backend API (owned by the mock/http helper).
