//! Errors as the API sends them: the HTTP status and a JSON body with the
//! message (and, where they help, the query column or close names).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::Error;

/// The JSON body of every error response.
#[derive(Debug, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
/// What went wrong, with the HTTP status.
pub struct ErrorDetail {
    /// The HTTP status, repeated.
    pub status: u16,
    /// What failed, and how to fix it where the server knows.
    pub message: String,
    /// For a malformed query: the 1-based column of the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// For an unknown entity name: close names in the index.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub suggestions: Vec<String>,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    column: Option<usize>,
    suggestions: Vec<String>,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            column: None,
            suggestions: Vec::new(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::Query { column, .. } => ApiError {
                column: Some(column),
                ..ApiError::bad_request(message)
            },
            Error::UnknownName { suggestions, .. } => ApiError {
                suggestions,
                ..ApiError::bad_request(message)
            },
            Error::UnknownId { .. } => ApiError::new(StatusCode::NOT_FOUND, message),
            Error::InvalidArgument { .. } => ApiError::bad_request(message),
            Error::IndexNotFound { .. } | Error::SchemaMismatch { .. } => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
            }
            _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                status: self.status.as_u16(),
                message: self.message,
                column: self.column,
                suggestions: self.suggestions,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// What a handler returns.
pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;
