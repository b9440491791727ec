//! A recording HTTP server for the delivery tests: a thread on 127.0.0.1 that keeps the JSON body
//! of every request by path and answers each path as told (200, 500, or only after a delay, to
//! make a client time out).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// How the server answers a path.
#[derive(Clone, Copy)]
pub enum Answer {
    Ok,
    Fail,
    /// Answer only after this many seconds.
    Late(u64),
}

/// A recording HTTP server: the bodies received per path, in order.
pub struct Recorder {
    port: u16,
    pub got: Arc<Mutex<Vec<(String, Value)>>>,
    answers: Arc<Mutex<HashMap<String, Answer>>>,
}

impl Recorder {
    pub fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let got: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
        let answers: Arc<Mutex<HashMap<String, Answer>>> = Arc::default();
        let (g, a) = (got.clone(), answers.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (g, a) = (g.clone(), a.clone());
                std::thread::spawn(move || {
                    let mut r = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    r.read_line(&mut line).unwrap();
                    let path = line.split(' ').nth(1).unwrap_or("").to_string();
                    let mut len = 0usize;
                    loop {
                        let mut h = String::new();
                        r.read_line(&mut h).unwrap();
                        if h.trim().is_empty() {
                            break;
                        }
                        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                    let mut body = vec![0; len];
                    r.read_exact(&mut body).unwrap();
                    let answer = a.lock().unwrap().get(&path).copied().unwrap_or(Answer::Ok);
                    let status = match answer {
                        Answer::Ok => "200 OK",
                        Answer::Fail => "500 Internal Server Error",
                        Answer::Late(s) => {
                            std::thread::sleep(Duration::from_secs(s));
                            "200 OK"
                        }
                    };
                    if !matches!(answer, Answer::Fail | Answer::Late(_)) {
                        g.lock()
                            .unwrap()
                            .push((path, serde_json::from_slice(&body).unwrap()));
                    }
                    let reply = format!(
                        "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    );
                    let _ = stream.write_all(reply.as_bytes());
                });
            }
        });
        Recorder { port, got, answers }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn answer(&self, path: &str, a: Answer) {
        self.answers.lock().unwrap().insert(path.into(), a);
    }

    pub fn bodies(&self, path: &str) -> Vec<Value> {
        let got = self.got.lock().unwrap();
        got.iter()
            .filter(|(p, _)| p == path)
            .map(|(_, v)| v.clone())
            .collect()
    }
}
